/**
 * Peer emulators for a side-by-side table (bench/run.ts): the same multiboot kernels run under
 * QEMU's system emulator with its TCG translator, when `qemu-system-i386` is installed (the default
 * run does not need it). The time is taken as warp86's is, between the guest's BENCH START and BENCH
 * END lines on COM1 (QEMU's serial port on stdio, read here as it arrives), so QEMU's start-up and
 * firmware are not in it; a write to port 0xF4 (isa-debug-exit, as in warp86) ends the run.
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface PeerRun {
  /** Median of the runs' guest times. */
  seconds: number;
  runs: number[];
  checksum: string | null;
}

export class QemuRunner {
  /** `qemu-system-i386 --version`'s first line, or null when QEMU is not installed. */
  readonly version: string | null;

  constructor(private readonly binary = "qemu-system-i386") {
    const probe = spawnSync(binary, ["--version"], { encoding: "utf8" });
    this.version = probe.status === 0 ? probe.stdout.split("\n")[0]!.trim() : null;
  }

  /** Runs the workload's kernel `repeats` times (each a QEMU process of its own). */
  async run(workload: string, repeats: number, onRun: (seconds: number) => void): Promise<PeerRun> {
    const runs: number[] = [];
    let checksum: string | null = null;
    for (let n = 0; n < repeats; n++) {
      const run = await this.once(workload);
      runs.push(run.seconds);
      checksum = run.checksum;
      onRun(run.seconds);
    }
    const sorted = [...runs].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    return { seconds: sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2, runs, checksum };
  }

  private once(workload: string): Promise<{ seconds: number; checksum: string | null }> {
    const kernel = fileURLToPath(new URL(`./guests/bin/${workload}.elf`, import.meta.url));
    const child = spawn(this.binary, [
      "-kernel", kernel,
      "-append", "scale=1",
      "-m", "128",
      "-accel", "tcg",
      "-display", "none",
      "-monitor", "none",
      "-serial", "stdio",
      "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
      "-no-reboot",
    ], { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    let started = 0n;
    let ended = 0n;
    let errors = "";
    child.stdout.setEncoding("latin1");
    child.stdout.on("data", (chunk: string) => {
      const now = process.hrtime.bigint();
      text += chunk;
      if (started === 0n && /BENCH START\r?\n/.test(text)) started = now;
      if (ended === 0n && /BENCH END \w+\r?\n/.test(text)) ended = now;
    });
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 600_000);
      child.on("error", reject);
      child.on("close", () => {
        clearTimeout(timer);
        if (started === 0n || ended === 0n) reject(new Error(`${workload} under QEMU: no BENCH START/END on its serial port (${errors.trim() || text.slice(-200)})`));
        else resolve({ seconds: Number(ended - started) / 1e9, checksum: /BENCH END (\w+)/.exec(text)?.[1] ?? null });
      });
    });
  }
}
