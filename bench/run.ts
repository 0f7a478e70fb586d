/**
 * `npm run bench`: runs each CPU workload (bench/guests/src/workloads) natively as a Linux i386
 * program and as a multiboot guest under warp86, all in one run, and prints per workload the native
 * time, the guest time (between the BENCH START and BENCH END markers on COM1), the slowdown, guest
 * MIPS and whether the checksums agree; geometric means last. A JSON report goes to
 * bench/results/latest.json (or --json PATH).
 *
 *   npm run bench -- [--quick] [--only sieve,fib] [--repeats 3] [--json PATH]
 *
 * Each workload runs under both tiers: the interpreter alone, and with the translator (blocks
 * compiled to WebAssembly after 50 executions); --interpreter-only skips the second.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Machine } from "../src/machine.js";
import { loadMultiboot } from "../src/loaders/multiboot.js";
import { enableTranslator } from "../src/translator-tier.js";

export const WORKLOADS = ["sieve", "crc32", "quicksort", "matmul", "interp", "fib", "randmem", "strings", "smc"] as const;
const QUICK = ["sieve", "crc32", "strings", "smc"];

interface TierMeasurement {
  seconds: number;
  checksum: string | null;
  instructions: number;
  mips: number;
  slowdown: number | null;
  checksumAgrees: boolean | null;
  compileSeconds: number;
  /** Share of executed guest instructions that ran as compiled code. */
  compiledShare: number;
  blocksCompiled: number;
}

interface Measurement {
  workload: string;
  nativeSeconds: number | null;
  nativeChecksum: string | null;
  interpreter: TierMeasurement;
  translator: TierMeasurement | null;
  /** Translator speed-up over the interpreter. */
  speedup: number | null;
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

async function runGuest(workload: string, tier: "interpreter" | "translator"): Promise<{ seconds: number; checksum: string | null; instructions: number; compileSeconds: number; compiledShare: number; blocksCompiled: number }> {
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
  if (tier === "translator") await enableTranslator(machine);
  loadMultiboot(machine.cpu, readFileSync(`bench/guests/bin/${workload}.elf`), { cmdline: "scale=1" });
  const result = machine.run({ maxInstructions: 20e9 });
  if (result.reason !== "debug-exit") throw new Error(`${workload}: guest stopped with ${result.reason}`);
  const stats = machine.interpreter.statistics;
  return {
    seconds: Number(ended - started) / 1e9,
    checksum: /BENCH END (\w+)/.exec(text)?.[1] ?? null,
    instructions: result.instructions,
    compileSeconds: stats.compileSeconds,
    compiledShare: stats.compiledInstructions / Math.max(1, result.instructions),
    blocksCompiled: stats.blocksCompiled,
  };
}

function geometricMean(values: number[]): number {
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  for (const arg of args) {
    if (arg.startsWith("--") && !["--quick", "--only", "--repeats", "--json", "--interpreter-only"].includes(arg)) throw new Error(`unknown option ${arg}`);
  }
  const only = value("--only")?.split(",");
  const repeats = Number(value("--repeats") ?? 3);
  const selected = only ?? (args.includes("--quick") ? QUICK : [...WORKLOADS]);
  const tiers = args.includes("--interpreter-only") ? (["interpreter"] as const) : (["interpreter", "translator"] as const);
  const results: Measurement[] = [];
  for (const [index, workload] of selected.entries()) {
    process.stderr.write(`[${index + 1}/${selected.length}] ${workload}: native...`);
    const native = runNative(workload, repeats);
    const measured: Partial<Record<"interpreter" | "translator", TierMeasurement>> = {};
    for (const tier of tiers) {
      process.stderr.write(` ${tier}...`);
      const guest = await runGuest(workload, tier);
      process.stderr.write(` ${guest.seconds.toFixed(2)} s`);
      measured[tier] = {
        ...guest,
        mips: guest.instructions / guest.seconds / 1e6,
        slowdown: native ? guest.seconds / native.seconds : null,
        checksumAgrees: native ? native.checksum === guest.checksum : null,
      };
    }
    process.stderr.write("\n");
    const interpreter = measured.interpreter!;
    const translator = measured.translator ?? null;
    results.push({
      workload,
      nativeSeconds: native?.seconds ?? null,
      nativeChecksum: native?.checksum ?? null,
      interpreter,
      translator,
      speedup: translator ? interpreter.seconds / translator.seconds : null,
    });
  }
  const x = (v: number | null | undefined) => (v ? `${v.toFixed(1)}x` : "-");
  console.log("\nworkload     native s   interp s   jit s   interp/native   jit/native   jit speed-up   compile s   compiled   checksums");
  for (const r of results) {
    const t = r.translator;
    const agree = [r.interpreter.checksumAgrees, t?.checksumAgrees].every((a) => a !== false) ? (r.nativeSeconds ? "agree" : "no native run") : "DIFFER";
    console.log(
      r.workload.padEnd(12) +
        (r.nativeSeconds?.toFixed(3) ?? "-").padStart(9) +
        r.interpreter.seconds.toFixed(2).padStart(11) +
        (t ? t.seconds.toFixed(2) : "-").padStart(8) +
        x(r.interpreter.slowdown).padStart(16) +
        x(t?.slowdown).padStart(13) +
        x(r.speedup).padStart(15) +
        (t ? t.compileSeconds.toFixed(2) : "-").padStart(12) +
        (t ? `${(100 * t.compiledShare).toFixed(0)}%` : "-").padStart(11) +
        `   ${agree}`,
    );
  }
  const mean = (values: (number | null | undefined)[]) => {
    const present = values.filter((v): v is number => typeof v === "number" && v > 0);
    return present.length ? geometricMean(present) : null;
  };
  const summary = {
    date: new Date().toISOString(),
    geometricMean: {
      interpreterSlowdown: mean(results.map((r) => r.interpreter.slowdown)),
      translatorSlowdown: mean(results.map((r) => r.translator?.slowdown)),
      translatorSpeedup: mean(results.map((r) => r.speedup)),
      interpreterMips: mean(results.map((r) => r.interpreter.mips)),
      translatorMips: mean(results.map((r) => r.translator?.mips)),
    },
    results,
  };
  const g = summary.geometricMean;
  console.log(`\ngeometric means: interpreter ${x(g.interpreterSlowdown)} slower than native (${g.interpreterMips?.toFixed(1)} MIPS); translator ${x(g.translatorSlowdown)} slower than native (${g.translatorMips?.toFixed(1) ?? "-"} MIPS), ${x(g.translatorSpeedup)} faster than the interpreter`);
  const jsonPath = value("--json") ?? "bench/results/latest.json";
  mkdirSync(jsonPath.replace(/\/[^/]*$/, ""), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify(summary, null, 2) + "\n");
  console.log(`JSON report: ${jsonPath}`);
  if (results.some((r) => r.interpreter.checksumAgrees === false || r.translator?.checksumAgrees === false)) process.exitCode = 1;
}

await main();
