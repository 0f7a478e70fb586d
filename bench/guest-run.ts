/**
 * One benchmark guest run, in a process of its own (bench/run.ts starts it):
 *   node src/cli/run-typescript.mjs bench/guest-run.ts <workload> <interpreter|translator> [background|foreground] [scale]
 * Prints one JSON line (GuestRun). The time is taken between the guest's BENCH START and BENCH END
 * lines on COM1, so loading Binaryen and the kernel is not in it; compiling hot code is: on the main
 * thread with "foreground" (the default), in a worker thread with "background" (the main thread then
 * only installs the modules).
 */
import { readFileSync } from "node:fs";
import { Machine } from "../src/machine.js";
import { loadMultiboot } from "../src/loaders/multiboot.js";
import { enableTranslator } from "../src/translator-tier.js";
import { WORKLOADS } from "./workloads.js";
import { SerialMarkers } from "./serial-markers.js";

export interface GuestRun {
  seconds: number;
  checksum: string | null;
  instructions: number;
  /** Compile time on the main thread. */
  compileSeconds: number;
  /** Compile time in the background compiler's thread. */
  workerCompileSeconds: number;
  compiledShare: number;
  blocksCompiled: number;
  instructionsCompiled: number;
}

async function runGuest(workload: string, tier: "interpreter" | "translator", background: boolean, scale: number): Promise<GuestRun> {
  const markers = new SerialMarkers();
  const machine = new Machine({ ramSize: 128 << 20, onSerialOutput: (byte) => markers.feed(String.fromCharCode(byte)) });
  if (tier === "translator") await enableTranslator(machine, { background });
  loadMultiboot(machine.cpu, readFileSync(new URL(`./guests/bin/${workload}.elf`, import.meta.url)), { cmdline: `scale=${scale}` });
  const result = machine.run({ maxInstructions: 20e9 });
  if (result.reason !== "debug-exit") throw new Error(`${workload}: guest stopped with ${result.reason}`);
  const stats = machine.interpreter.statistics;
  return {
    seconds: markers.seconds,
    checksum: markers.checksum,
    instructions: result.instructions,
    compileSeconds: stats.compileSeconds,
    workerCompileSeconds: stats.backgroundCompileSeconds,
    compiledShare: stats.compiledInstructions / Math.max(1, result.instructions),
    blocksCompiled: stats.blocksCompiled,
    instructionsCompiled: stats.instructionsCompiled,
  };
}

const [workload, tier, compile = "foreground", scaleText = "1"] = process.argv.slice(2);
const scale = Number(scaleText);
if (!(WORKLOADS as readonly string[]).includes(workload ?? "") || (tier !== "interpreter" && tier !== "translator") || (compile !== "background" && compile !== "foreground") || !(Number.isInteger(scale) && scale >= 1)) {
  console.error(`usage: bench/guest-run.ts <${WORKLOADS.join("|")}> <interpreter|translator> [background|foreground] [scale]`);
  process.exit(2);
}
console.log(JSON.stringify(await runGuest(workload!, tier, compile === "background", scale)));
