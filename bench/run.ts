/**
 * `npm run bench`: runs each CPU workload (bench/guests/src/workloads) natively as a Linux i386
 * program and as a multiboot guest under warp86, all in one run, and prints per workload the native
 * time, the guest time (between the BENCH START and BENCH END markers on COM1), the slowdown, guest
 * MIPS and whether the checksums agree; geometric means last. A JSON report goes to
 * bench/results/latest.json (or --json PATH). On a host whose kernel cannot execute i386 programs
 * the native reference is an x86-64 build of the same source (bench/native.ts); the table and the
 * report say which kind each workload used, and a slowdown counts only when the checksums agree.
 *
 *   npm run bench -- [--quick] [--only sieve,fib] [--repeats 3] [--json PATH] [--scale N]
 *                    [--interpreter-only | --translator-only] [--foreground-compile] [--no-peers]
 *                    [--short-runs]
 *
 * Workload size: each kernel runs at the scale of BENCH_SCALES (bench/workloads.ts), about 0.5 s
 * natively, as the peers' figures the targets refer to were measured; --scale N runs every workload
 * at N instead. The interpreter, ~100-800x slower than native, always runs at scale 1: its times,
 * its slowdown and the translator's speed-up over it are per unit of work (a run at scale N does N
 * units). With --short-runs, native and translator also run at scale 1: the short-run slowdown
 * (where warming up dominates), and from the two sizes the marginal cost of one more unit (the
 * steady-state slowdown) and the translator's warm-up apart (ShortRuns).
 *
 * Each workload runs under both tiers: the interpreter alone, and with the translator (blocks
 * compiled to WebAssembly after 50 executions); --interpreter-only skips the second,
 * --translator-only the first (no speed-up is reported then). As `warp86 run` does by default, the
 * translator compiles in a worker thread while the interpreter goes on: the main thread only forms
 * regions and installs the modules ("compile %" is that share of the run time) and "worker s" is the
 * worker's time; with --foreground-compile it compiles on the main thread, the run waiting for each
 * module ("compile %" is then all of it). Every guest run is a process of its own. Each kernel also
 * runs under the peer emulators that are installed, QEMU's TCG (qemu-system-i386) and v86 (the v86
 * package, a development dependency), at the same scale, for side-by-side tables (bench/peers.ts;
 * --no-peers skips them); the run needs neither.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { GuestRun } from "./guest-run.js";
import { type NativeKind, NativeRunner } from "./native.js";
import { BENCH_SCALES, WORKLOADS, type Workload } from "./workloads.js";
import { scriptOptions } from "../src/cli/script-options.js";
import { QemuRunner, V86Runner } from "./peers.js";
import { median } from "./serial-markers.js";

const QUICK = ["sieve", "crc32", "strings", "smc"];

interface TierMeasurement {
  /** The scale it ran at (units of work). */
  scale: number;
  /** Median of the runs. */
  seconds: number;
  /** seconds / scale. */
  secondsPerUnit: number;
  /** Every run's time, in order. */
  runs: number[];
  checksum: string | null;
  instructions: number;
  mips: number;
  /** Time per unit over native time per unit. */
  slowdown: number | null;
  checksumAgrees: boolean | null;
  /** Compile time on the main thread (with background compilation: installing the modules). */
  compileSeconds: number;
  /** Compile time in the background compiler's thread (0 with --foreground-compile). */
  workerCompileSeconds: number;
  /** Share of executed guest instructions that ran as compiled code. */
  compiledShare: number;
  blocksCompiled: number;
  instructionsCompiled: number;
  /** Guest instructions compiled per second of compile time (both threads). */
  compileRate: number | null;
  /** The main thread's compile time as a share of the run time. */
  compileShare: number;
}

interface Measurement {
  workload: string;
  /** The scale of the native, translator and peer runs. */
  scale: number;
  nativeSeconds: number | null;
  nativeChecksum: string | null;
  /** Which native program the times are relative to; null when there was no native run. */
  nativeKind: NativeKind | null;
  /** For an x86-64 reference, the gcc command that built it. */
  nativeBuild: string | null;
  /** Why there is no native run. */
  nativeProblem: string | null;
  interpreter: TierMeasurement | null;
  translator: TierMeasurement | null;
  /** Translator speed-up over the interpreter, per unit of work. */
  speedup: number | null;
  /** The same kernel under each installed peer emulator (bench/peers.ts), by peer name. */
  peers: Record<string, PeerMeasurement>;
  /** With --short-runs: scale-1 runs, and the translator's cost of more work apart from its warm-up. */
  short: ShortRuns | null;
}

/**
 * Native and translator runs at scale 1 besides the main runs at scale S: the short-run slowdown,
 * and the marginal cost of one more unit of work, (time at S - time at 1) / (S - 1), the same for
 * both, whose ratio is the steady-state slowdown; the translator's time at scale 1 minus its
 * marginal cost is what warming up costs it (interpreting until hot, compiling, the engines' own
 * compile and JIT warm-up).
 */
interface ShortRuns {
  nativeSeconds: number;
  translatorSeconds: number;
  translatorRuns: number[];
  /** Translator time over native time at scale 1. */
  slowdown: number;
  nativeMarginal: number;
  translatorMarginal: number;
  steadySlowdown: number;
  warmupSeconds: number;
  checksumAgrees: boolean;
}

interface PeerMeasurement {
  seconds: number;
  runs: number[];
  checksum: string | null;
  slowdown: number | null;
  checksumAgrees: boolean | null;
  /** warp86's translator time over the peer's (below 1: warp86 faster). */
  translatorRatio: number | null;
}

/**
 * One guest run in a process of its own (bench/guest-run.ts): each measurement starts from the same
 * state, as a user's run does, and one workload's JIT history cannot slow the next one down (smc run
 * after the other eight in one process took 3-5x longer).
 */
function runGuest(workload: string, tier: "interpreter" | "translator", compile: "background" | "foreground", scale = 1): GuestRun {
  const child = spawnSync(process.execPath, [RUNNER, GUEST_RUN, workload, tier, compile, String(scale)], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 26 });
  if (child.status !== 0) throw new Error(`${workload} (${tier}): guest process failed: ${child.stderr.trim() || child.signal}`);
  return JSON.parse(child.stdout.trim().split("\n").pop()!) as GuestRun;
}
const RUNNER = fileURLToPath(new URL("../src/cli/run-typescript.mjs", import.meta.url));
const GUEST_RUN = fileURLToPath(new URL("./guest-run.ts", import.meta.url));


function geometricMean(values: number[]): number {
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

async function main(): Promise<void> {
  const options = scriptOptions(process.argv.slice(2), ["--quick", "--only", "--repeats", "--json", "--interpreter-only", "--translator-only", "--foreground-compile", "--no-peers", "--scale", "--short-runs"]);
  const scaleOption = options.value("--scale") === undefined ? null : Number(options.value("--scale"));
  if (scaleOption !== null && !(Number.isInteger(scaleOption) && scaleOption >= 1)) throw new Error("--scale needs a positive integer");
  const shortRuns = options.has("--short-runs");
  const peers = options.has("--no-peers") ? [] : [new QemuRunner(), new V86Runner()].filter((peer) => peer.version !== null);
  for (const peer of peers) process.stderr.write(`side by side: ${peer.version}\n`);
  const compile = options.has("--foreground-compile") ? "foreground" : "background";
  const value = options.value;
  const only = value("--only")?.split(",");
  const repeats = Number(value("--repeats") ?? 3);
  const selected = only ?? (options.has("--quick") ? QUICK : [...WORKLOADS]);
  for (const workload of selected) if (!(WORKLOADS as readonly string[]).includes(workload)) throw new Error(`unknown workload ${workload} (known: ${WORKLOADS.join(", ")})`);
  const tiers = options.has("--interpreter-only")
    ? (["interpreter"] as const)
    : options.has("--translator-only")
      ? (["translator"] as const)
      : (["interpreter", "translator"] as const);
  const results: Measurement[] = [];
  const natives = new NativeRunner();
  // Synchronous, so it also runs when a guest throws: no x86-64 builds are left in the temp dir.
  process.on("exit", () => natives.dispose());
  for (const [index, workload] of selected.entries()) {
    const scale = scaleOption ?? BENCH_SCALES[workload as Workload];
    process.stderr.write(`[${index + 1}/${selected.length}] ${workload} (scale ${scale}): native...`);
    const { run: native, problem: nativeProblem } = natives.run(workload, repeats, scale);
    process.stderr.write(native ? ` ${native.seconds.toFixed(3)} s (${native.kind.split(" ")[0]})` : ` none: ${nativeProblem}`);
    // The interpreter's scale-1 checksum is checked against a native run at scale 1.
    const needsShortNative = scale !== 1 && (shortRuns || (tiers as readonly string[]).includes("interpreter"));
    const nativeShort = scale === 1 ? native : needsShortNative ? natives.run(workload, repeats, 1).run : null;
    const measured: Partial<Record<"interpreter" | "translator", TierMeasurement>> = {};
    for (const tier of tiers) {
      // The interpreter runs at scale 1 (at the bench scale it would take minutes per run).
      const tierScale = tier === "interpreter" ? 1 : scale;
      const reference = tierScale === scale ? native : nativeShort;
      process.stderr.write(` ${tier}${tierScale !== scale ? " (scale 1)" : ""}...`);
      const runs: GuestRun[] = [];
      for (let n = 0; n < repeats; n++) {
        runs.push(runGuest(workload, tier, compile, tierScale));
        process.stderr.write(` ${runs[n]!.seconds.toFixed(2)}`);
      }
      process.stderr.write(" s");
      // The run whose time is the median stands for the tier (its statistics go with its time).
      const seconds = runs.map((r) => r.seconds);
      const middle = median(seconds);
      const guest = runs.reduce((best, r) => (Math.abs(r.seconds - middle) < Math.abs(best.seconds - middle) ? r : best));
      const agrees = reference ? reference.checksum === guest.checksum : null;
      measured[tier] = {
        ...guest,
        scale: tierScale,
        seconds: middle,
        secondsPerUnit: middle / tierScale,
        runs: seconds,
        compileRate: guest.compileSeconds + guest.workerCompileSeconds > 0 ? guest.instructionsCompiled / (guest.compileSeconds + guest.workerCompileSeconds) : null,
        compileShare: guest.compileSeconds / middle,
        mips: guest.instructions / middle / 1e6,
        // A slowdown against a program that computed something else would compare unlike work.
        slowdown: native && agrees ? middle / tierScale / (native.seconds / scale) : null,
        checksumAgrees: agrees,
      };
    }
    const interpreter = measured.interpreter ?? null;
    const translator = measured.translator ?? null;
    let short: ShortRuns | null = null;
    if (shortRuns && scale > 1 && translator && native && nativeShort && translator.checksumAgrees) {
      process.stderr.write(" scale 1: translator...");
      const runs: GuestRun[] = [];
      for (let n = 0; n < repeats; n++) {
        runs.push(runGuest(workload, "translator", compile, 1));
        process.stderr.write(` ${runs[n]!.seconds.toFixed(2)}`);
      }
      process.stderr.write(" s");
      const translatorSeconds = median(runs.map((r) => r.seconds));
      const nativeMarginal = (native.seconds - nativeShort.seconds) / (scale - 1);
      const translatorMarginal = (translator.seconds - translatorSeconds) / (scale - 1);
      short = {
        nativeSeconds: nativeShort.seconds,
        translatorSeconds,
        translatorRuns: runs.map((r) => r.seconds),
        slowdown: translatorSeconds / nativeShort.seconds,
        nativeMarginal,
        translatorMarginal,
        steadySlowdown: translatorMarginal / nativeMarginal,
        warmupSeconds: translatorSeconds - translatorMarginal,
        checksumAgrees: runs.every((r) => r.checksum === nativeShort.checksum),
      };
    }
    const peerMeasurements: Record<string, PeerMeasurement> = {};
    for (const peer of peers) {
      process.stderr.write(` ${peer.name}...`);
      const run = await peer.run(workload, scale, repeats, (seconds) => process.stderr.write(` ${seconds.toFixed(2)}`));
      process.stderr.write(" s");
      peerMeasurements[peer.name] = {
        ...run,
        slowdown: native && native.checksum === run.checksum ? run.seconds / native.seconds : null,
        checksumAgrees: native ? native.checksum === run.checksum : null,
        translatorRatio: translator && translator.checksum === run.checksum ? translator.seconds / run.seconds : null,
      };
    }
    process.stderr.write("\n");
    results.push({
      workload,
      scale,
      nativeSeconds: native?.seconds ?? null,
      nativeChecksum: native?.checksum ?? null,
      nativeKind: native?.kind ?? null,
      nativeBuild: native?.build ?? null,
      nativeProblem,
      interpreter,
      translator,
      speedup: translator && interpreter ? interpreter.secondsPerUnit / translator.secondsPerUnit : null,
      peers: peerMeasurements,
      short,
    });
  }
  const x = (v: number | null | undefined) => (v ? `${v.toFixed(1)}x` : "-");
  console.log("\nworkload   scale   native s   jit s   interp s/unit   interp/native   jit/native   jit speed-up   compile s   compile %   worker s   insns/s compiled   modules   compiled   checksums");
  for (const r of results) {
    const t = r.translator;
    const agree = [r.interpreter?.checksumAgrees, t?.checksumAgrees].every((a) => a !== false) ? (r.nativeSeconds ? "agree" : "no native run") : "DIFFER";
    console.log(
      r.workload.padEnd(10) +
        String(r.scale).padStart(6) +
        (r.nativeSeconds?.toFixed(3) ?? "-").padStart(11) +
        (t ? t.seconds.toFixed(2) : "-").padStart(8) +
        (r.interpreter ? r.interpreter.secondsPerUnit.toFixed(2) : "-").padStart(16) +
        x(r.interpreter?.slowdown).padStart(16) +
        x(t?.slowdown).padStart(13) +
        x(r.speedup).padStart(15) +
        (t ? t.compileSeconds.toFixed(2) : "-").padStart(12) +
        (t ? `${(100 * t.compileShare).toFixed(1)}%` : "-").padStart(12) +
        (t ? t.workerCompileSeconds.toFixed(2) : "-").padStart(11) +
        (t?.compileRate ? Math.round(t.compileRate).toString() : "-").padStart(19) +
        (t ? String(t.blocksCompiled) : "-").padStart(10) +
        (t ? `${(100 * t.compiledShare).toFixed(0)}%` : "-").padStart(11) +
        `   ${agree}`,
    );
  }
  if (results.some((r) => r.interpreter && r.interpreter.scale !== r.scale)) console.log("the interpreter ran at scale 1: its time, its slowdown and the speed-up over it are per unit of work");
  // Which native program the ratios are against, said next to the table: an x86-64 reference is
  // not the i386 program the guest runs, and a reader of the numbers has to know that.
  const kinds = [...new Set(results.flatMap((r) => (r.nativeKind ? [r.nativeKind] : [])))];
  for (const kind of kinds) {
    const of = results.filter((r) => r.nativeKind === kind);
    const which = of.length === results.length ? "" : ` (${of.map((r) => r.workload).join(", ")})`;
    if (kind === "i386") console.log(`native${which}: the i386 builds in bench/guests/bin`);
    else console.log(`native${which}: x86-64 builds of the same C source (${[...new Set(of.map((r) => r.nativeBuild))].join("; ")}, built for this run); this host's kernel cannot execute i386 binaries`);
  }
  for (const r of results) if (r.nativeProblem) console.log(`no native run for ${r.workload}: ${r.nativeProblem}`);
  if (results.some((r) => r.short)) {
    console.log("\nshort runs (scale 1), and the marginal cost of one more unit of work from the two sizes (steady state, apart from warming up)");
    console.log("workload   native s   jit s   short jit/native   native s/unit   jit s/unit   steady jit/native   jit warm-up s   checksums");
    for (const r of results) {
      const sr = r.short;
      if (!sr) continue;
      console.log(
        r.workload.padEnd(10) +
          sr.nativeSeconds.toFixed(3).padStart(9) +
          sr.translatorSeconds.toFixed(2).padStart(8) +
          x(sr.slowdown).padStart(19) +
          sr.nativeMarginal.toFixed(3).padStart(16) +
          sr.translatorMarginal.toFixed(3).padStart(13) +
          x(sr.steadySlowdown).padStart(20) +
          sr.warmupSeconds.toFixed(3).padStart(16) +
          `   ${sr.checksumAgrees ? "agree" : "DIFFER"}`,
      );
    }
  }
  for (const peer of peers) {
    const n = peer.name;
    console.log(`\nside by side with ${peer.version} (the same kernels; guest time between the same serial lines)`);
    console.log(`workload   ${`${n} s`.padStart(8)}${`${n}/native`.padStart(14)}   jit/native${`jit time / ${n} time`.padStart(24)}   checksums`);
    for (const r of results) {
      const m = r.peers[n];
      if (!m) continue;
      console.log(
        r.workload.padEnd(11) +
          m.seconds.toFixed(2).padStart(8) +
          x(m.slowdown).padStart(14) +
          x(r.translator?.slowdown).padStart(13) +
          (m.translatorRatio ? m.translatorRatio.toFixed(2) : "-").padStart(24) +
          `   ${m.checksumAgrees === false ? "DIFFER" : "agree"}`,
      );
    }
  }
  const nativeName = kinds.some((k) => k !== "i386") ? (kinds.length === 1 ? "native x86-64" : "native (i386 and x86-64)") : "native";
  const mean = (values: (number | null | undefined)[]) => {
    const present = values.filter((v): v is number => typeof v === "number" && v > 0);
    return present.length ? geometricMean(present) : null;
  };
  const cpu = results.filter((r) => r.workload !== "smc");
  const summary = {
    date: new Date().toISOString(),
    nativeKinds: kinds,
    repeats,
    /** The scale of each workload's native, translator and peer runs (the interpreter's is 1). */
    scales: Object.fromEntries(results.map((r) => [r.workload, r.scale])),
    geometricMean: {
      interpreterSlowdown: mean(results.map((r) => r.interpreter?.slowdown)),
      translatorSlowdown: mean(results.map((r) => r.translator?.slowdown)),
      translatorSpeedup: mean(results.map((r) => r.speedup)),
      interpreterMips: mean(results.map((r) => r.interpreter?.mips)),
      translatorMips: mean(results.map((r) => r.translator?.mips)),
    },
    /** The CPU workloads: all but the self-modifying one, which the targets report on its own. */
    cpuWorkloads: {
      workloads: cpu.map((r) => r.workload),
      translatorSlowdown: mean(cpu.map((r) => r.translator?.slowdown)),
      worstTranslatorSlowdown: Math.max(0, ...cpu.map((r) => r.translator?.slowdown ?? 0)) || null,
      translatorSpeedup: mean(cpu.map((r) => r.speedup)),
      worstCompileShare: Math.max(0, ...results.map((r) => r.translator?.compileShare ?? 0)),
      /** With --short-runs: geometric mean and worst of the scale-1 slowdowns and of the steady-state ones. */
      shortSlowdown: mean(cpu.map((r) => r.short?.slowdown)),
      worstShortSlowdown: Math.max(0, ...cpu.map((r) => r.short?.slowdown ?? 0)) || null,
      steadySlowdown: mean(cpu.map((r) => r.short?.steadySlowdown)),
      worstSteadySlowdown: Math.max(0, ...cpu.map((r) => r.short?.steadySlowdown ?? 0)) || null,
    },
    /** Where the translator compiled: a worker thread ("background") or the main thread. */
    compile,
    /** Peer emulators on the same kernels, when installed (bench/peers.ts). */
    peers: Object.fromEntries(peers.map((peer) => [peer.name, {
      version: peer.version,
      cpuSlowdown: mean(cpu.map((r) => r.peers[peer.name]?.slowdown)),
      /** Geometric mean of warp86's translator time over the peer's on the CPU workloads (below 1: warp86 faster). */
      cpuTranslatorRatio: mean(cpu.map((r) => r.peers[peer.name]?.translatorRatio)),
    }])),
    results,
  };
  const g = summary.geometricMean;
  const c = summary.cpuWorkloads;
  const smc = results.find((r) => r.workload === "smc");
  console.log(`\nCPU workloads (${c.workloads.join(", ")}): translator ${x(c.translatorSlowdown)} slower than ${nativeName} (geometric mean; worst ${x(c.worstTranslatorSlowdown)}), ${x(c.translatorSpeedup)} faster than the interpreter; main-thread compile share at most ${(100 * c.worstCompileShare).toFixed(1)}% (compiling in ${compile === "background" ? "a worker thread" : "the main thread"})`);
  if (c.shortSlowdown) console.log(`short runs (scale 1), CPU workloads: translator ${x(c.shortSlowdown)} slower than ${nativeName} (geometric mean; worst ${x(c.worstShortSlowdown)}); steady state (per unit of work beyond scale 1): ${x(c.steadySlowdown)} (worst ${x(c.worstSteadySlowdown)})`);
  if (smc) console.log(`self-modifying (smc): translator ${x(smc.translator?.slowdown)} slower than ${nativeName}, interpreter ${x(smc.interpreter?.slowdown)}`);
  for (const peer of peers) {
    const p = summary.peers[peer.name]!;
    console.log(`${peer.version} on the CPU workloads: ${x(p.cpuSlowdown)} slower than ${nativeName} (geometric mean); warp86's translator time over ${peer.name}'s: ${p.cpuTranslatorRatio?.toFixed(2) ?? "-"} (geometric mean; below 1, warp86 is faster)`);
  }
  console.log(`all workloads, geometric means: interpreter ${x(g.interpreterSlowdown)} slower than ${nativeName} (${g.interpreterMips?.toFixed(1) ?? "-"} MIPS); translator ${x(g.translatorSlowdown)} slower than ${nativeName} (${g.translatorMips?.toFixed(1) ?? "-"} MIPS), ${x(g.translatorSpeedup)} faster than the interpreter`);
  const jsonPath = value("--json") ?? "bench/results/latest.json";
  mkdirSync(jsonPath.replace(/\/[^/]*$/, ""), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify(summary, null, 2) + "\n");
  console.log(`JSON report: ${jsonPath}`);
  if (results.some((r) => r.interpreter?.checksumAgrees === false || r.translator?.checksumAgrees === false || r.short?.checksumAgrees === false || Object.values(r.peers).some((m) => m.checksumAgrees === false))) process.exitCode = 1;
}

await main();
