/**
 * Native reference runs for bench/run.ts. The reference is the Linux i386 build of each workload
 * (bench/guests/bin/<workload>.native, committed by bench/guests/build.sh): the same instruction set
 * the guest runs. Some hosts' kernels cannot execute i386 programs at all; there the reference is
 * an x86-64 build of the same C source with the host's gcc, built once per bench run into a
 * temporary directory. That is a weaker reference (other registers, calling convention and code
 * generation), so every result says which kind it is, and the caller only compares times when the
 * checksums agree.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { median } from "./serial-markers.js";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type NativeKind = "i386" | "x86-64 (host cannot run i386)";

export interface NativeRun {
  seconds: number;
  checksum: string;
  kind: NativeKind;
  /** For x86-64 runs, the gcc command that built the binary. */
  build: string | null;
}

export interface NativeResult {
  run: NativeRun | null;
  /** Why there is no native run (null when there is one). */
  problem: string | null;
}

/**
 * -fno-tree-vectorize: the guest build (-march=i686) cannot use SSE, so its loops stay scalar; gcc 12
 * vectorizes at -O2 for x86-64 (matmul and crc32 then run ~1.5× faster than any i686 code could),
 * which would measure the host's vector unit instead of the same program.
 */
const X86_64_FLAGS = ["-O2", "-fno-tree-vectorize", "-DNATIVE"];


type Build = { binary: string; command: string } | { problem: string };
type Execution = { seconds: number; checksum: string } | { failure: string; refused: boolean };

/**
 * Runs one native binary once at `scale` (1 by default). When the kernel refuses a binary (ENOEXEC), glibc's
 * execvp, which Node's spawn uses, retries it as a /bin/sh script: the shell then complains about
 * the ELF bytes and exits with an error status, without a signal and without the program's
 * "BENCH START". That combination is how a refusal shows; a crash of the program shows as a signal.
 */
function execute(binary: string, scale = 1): Execution {
  const child = spawnSync(binary, [String(scale)], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (child.error) return { failure: `${binary}: ${child.error.message}`, refused: false };
  if (child.status !== 0 || child.signal) {
    const refused = child.signal === null && !child.stdout.includes("BENCH START");
    const stderr = child.stderr.trim().split("\n")[0];
    return { failure: `${binary}: ${child.signal ?? `exit status ${child.status}`}${stderr ? ` (stderr: ${stderr})` : ""}`, refused };
  }
  const checksum = /BENCH END (\w+)/.exec(child.stdout)?.[1];
  const nanoseconds = /BENCH NS (\d+)/.exec(child.stdout)?.[1];
  if (!checksum || !nanoseconds) return { failure: `${binary}: no BENCH END / BENCH NS in its output`, refused: false };
  return { seconds: Number(nanoseconds) / 1e9, checksum };
}

export class NativeRunner {
  /** Unknown until the first i386 binary has been tried; then the same for the whole run. */
  private hostRunsI386: boolean | undefined;
  private directory: string | null = null;
  /** Per workload: the x86-64 binary and the command that built it, or why it could not be built. */
  private readonly builds = new Map<string, Build>();

  /** Runs the workload `repeats` times natively (at `scale`) and takes the median of its own measured times. */
  run(workload: string, repeats: number, scale = 1): NativeResult {
    if (this.hostRunsI386 !== false) {
      const binary = `bench/guests/bin/${workload}.native`;
      if (!existsSync(binary)) return { run: null, problem: `${binary} is missing (bench/guests/build.sh builds it)` };
      // The first run is the probe (and a warm-up); the repeats are timed.
      const first = execute(binary, scale);
      if (!("failure" in first)) {
        this.hostRunsI386 = true;
        return this.repeat(binary, repeats, "i386", null, scale);
      }
      // A crash says nothing about the host: no reference for this workload, and no fallback.
      if (!first.refused) return { run: null, problem: first.failure };
      this.hostRunsI386 = false;
      process.stderr.write(` the kernel refuses i386 binaries (glibc's /bin/sh retry of ${first.failure}); using x86-64 builds of the same source...`);
    }
    const build = this.build(workload);
    if ("problem" in build) return { run: null, problem: build.problem };
    return this.repeat(build.binary, repeats, "x86-64 (host cannot run i386)", build.command, scale);
  }

  /** Removes the temporary directory of the x86-64 builds. */
  dispose(): void {
    if (this.directory) rmSync(this.directory, { recursive: true, force: true });
    this.directory = null;
  }

  private repeat(binary: string, repeats: number, kind: NativeKind, build: string | null, scale: number): NativeResult {
    const times: number[] = [];
    let checksum = "";
    for (let n = 0; n < repeats; n++) {
      const execution = execute(binary, scale);
      if ("failure" in execution) return { run: null, problem: execution.failure };
      // A binary that computes different results from run to run is no reference at all.
      if (checksum && execution.checksum !== checksum) return { run: null, problem: `${binary}: checksum changed between repeats` };
      checksum = execution.checksum;
      times.push(execution.seconds);
    }
    return { run: { seconds: median(times), checksum, kind, build }, problem: null };
  }

  /** Builds the workload's C source for x86-64 once per bench run (repeats reuse the binary). */
  private build(workload: string): Build {
    let build = this.builds.get(workload);
    if (build) return build;
    this.directory ??= mkdtempSync(join(tmpdir(), "warp86-bench-"));
    const source = `bench/guests/src/workloads/${workload}.c`;
    const binary = join(this.directory, `${workload}.native64`);
    // Static like the i386 builds; a host without a static libc still gets a dynamic build, which
    // times the same work (the program measures only the workload call, inside main).
    for (const flags of [[...X86_64_FLAGS, "-static"], X86_64_FLAGS]) {
      try {
        execFileSync("gcc", [...flags, "-o", binary, source], { stdio: ["ignore", "ignore", "pipe"] });
        build = { binary, command: `gcc ${flags.join(" ")}` };
        break;
      } catch (error) {
        const lines = String((error as { stderr?: Buffer }).stderr || (error as Error).message).trim().split("\n");
        build = { problem: `gcc ${flags.join(" ")} ${source} failed: ${lines.find((line) => line.includes("error")) ?? lines[0]}` };
      }
    }
    this.builds.set(workload, build!);
    return build!;
  }
}
