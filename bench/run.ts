/**
 * `npm run bench`: runs each CPU workload (bench/guests/src/workloads) natively as a Linux i386
 * program and as a multiboot guest under warp86, all in one run, and prints per workload the native
 * time, the guest time (between the BENCH START and BENCH END markers on COM1), the slowdown, guest
 * MIPS and whether the checksums agree; geometric means last. A JSON report goes to
 * bench/results/latest.json (or --json PATH).
 *
 *   npm run bench -- [--quick] [--only sieve,fib] [--repeats 3] [--json PATH]
 *
 * Translated execution (the JIT tier) is not built yet: only the interpreter is measured.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Machine } from "../src/machine.js";
import { loadMultiboot } from "../src/loaders/multiboot.js";

export const WORKLOADS = ["sieve", "crc32", "quicksort", "matmul", "interp", "fib", "randmem", "strings", "smc"] as const;
const QUICK = ["sieve", "crc32", "strings", "smc"];

interface Measurement {
  workload: string;
  nativeSeconds: number | null;
  nativeChecksum: string | null;
  guestSeconds: number;
  guestChecksum: string | null;
  instructions: number;
  mips: number;
  slowdown: number | null;
  checksumsAgree: boolean | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function runNative(workload: string, repeats: number): { seconds: number; checksum: string } | null {
  const binary = `bench/guests/bin/${workload}.native`;
  if (!existsSync(binary)) return null;
  const times: number[] = [];
  let checksum = "";
  for (let n = 0; n < repeats; n++) {
    let output: string;
    try {
      output = execFileSync(binary, ["1"], { encoding: "utf8" });
    } catch {
      return null; // the host cannot run i386 programs
    }
    checksum = /BENCH END (\w+)/.exec(output)?.[1] ?? "";
    times.push(Number(/BENCH NS (\d+)/.exec(output)?.[1]) / 1e9);
  }
  return { seconds: median(times), checksum };
}

function runGuest(workload: string): { seconds: number; checksum: string | null; instructions: number } {
  let text = "";
  let started = 0n;
  let ended = 0n;
  const machine = new Machine({
    ramSize: 128 << 20,
    onSerialOutput: (byte) => {
      text += String.fromCharCode(byte);
      if (byte !== 10) return;
      if (started === 0n && text.includes("BENCH START")) started = process.hrtime.bigint();
      if (ended === 0n && text.includes("BENCH END")) ended = process.hrtime.bigint();
    },
  });
  loadMultiboot(machine.cpu, readFileSync(`bench/guests/bin/${workload}.elf`), { cmdline: "scale=1" });
  const result = machine.run({ maxInstructions: 20e9 });
  if (result.reason !== "debug-exit") throw new Error(`${workload}: guest stopped with ${result.reason}`);
  return {
    seconds: Number(ended - started) / 1e9,
    checksum: /BENCH END (\w+)/.exec(text)?.[1] ?? null,
    instructions: result.instructions,
  };
}

function geometricMean(values: number[]): number {
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

function main(): void {
  const args = process.argv.slice(2);
  const value = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  for (const arg of args) {
    if (arg.startsWith("--") && !["--quick", "--only", "--repeats", "--json"].includes(arg)) throw new Error(`unknown option ${arg}`);
  }
  const only = value("--only")?.split(",");
  const repeats = Number(value("--repeats") ?? 3);
  const selected = only ?? (args.includes("--quick") ? QUICK : [...WORKLOADS]);
  const results: Measurement[] = [];
  for (const [index, workload] of selected.entries()) {
    process.stderr.write(`[${index + 1}/${selected.length}] ${workload}: native...`);
    const native = runNative(workload, repeats);
    process.stderr.write(` guest (interpreter)...`);
    const guest = runGuest(workload);
    process.stderr.write(` ${guest.seconds.toFixed(2)} s\n`);
    results.push({
      workload,
      nativeSeconds: native?.seconds ?? null,
      nativeChecksum: native?.checksum ?? null,
      guestSeconds: guest.seconds,
      guestChecksum: guest.checksum,
      instructions: guest.instructions,
      mips: guest.instructions / guest.seconds / 1e6,
      slowdown: native ? guest.seconds / native.seconds : null,
      checksumsAgree: native ? native.checksum === guest.checksum : null,
    });
  }
  console.log("\nworkload     native s   interp s   slowdown   guest MIPS   checksum");
  for (const r of results) {
    console.log(
      r.workload.padEnd(12) +
        (r.nativeSeconds?.toFixed(3) ?? "-").padStart(9) +
        r.guestSeconds.toFixed(3).padStart(11) +
        (r.slowdown ? `${r.slowdown.toFixed(1)}x` : "-").padStart(11) +
        r.mips.toFixed(1).padStart(13) +
        `   ${r.checksumsAgree === null ? "no native run" : r.checksumsAgree ? "agrees" : "DIFFERS"}`,
    );
  }
  const slowdowns = results.flatMap((r) => (r.slowdown ? [r.slowdown] : []));
  const summary = {
    date: new Date().toISOString(),
    tier: "interpreter",
    geometricMeanSlowdown: slowdowns.length ? geometricMean(slowdowns) : null,
    geometricMeanMips: geometricMean(results.map((r) => r.mips)),
    results,
  };
  console.log(`\ngeometric mean: ${summary.geometricMeanSlowdown?.toFixed(1) ?? "-"}x slower than native, ${summary.geometricMeanMips.toFixed(1)} guest MIPS (interpreter only; the translator is not built yet)`);
  const jsonPath = value("--json") ?? "bench/results/latest.json";
  mkdirSync(jsonPath.replace(/\/[^/]*$/, ""), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify(summary, null, 2) + "\n");
  console.log(`JSON report: ${jsonPath}`);
  if (results.some((r) => r.checksumsAgree === false)) process.exitCode = 1;
}

main();
