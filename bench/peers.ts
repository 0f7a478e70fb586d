/**
 * Peer emulators for a side-by-side table (bench/run.ts), each used when it is installed (the
 * default run needs neither): QEMU's system emulator with its TCG translator (`qemu-system-i386`),
 * and v86 (the `v86` npm package, a development dependency of warp86). The same multiboot kernels
 * run there; the time is taken as warp86's is, between the guest's BENCH START and BENCH END lines on
 * COM1, so start-up and firmware are not in it.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { SerialMarkers, median } from "./serial-markers.js";

export interface PeerRun {
  /** Median of the runs' guest times. */
  seconds: number;
  runs: number[];
  checksum: string | null;
}

/** An emulator to run the bench kernels under. */
export abstract class Peer {
  /** Short name (the JSON report's key). */
  abstract readonly name: string;
  /** What is installed (name and version), or null when the peer is not. */
  abstract readonly version: string | null;

  /** Runs the workload's kernel at `scale` `repeats` times, each in a process of its own. */
  async run(workload: string, scale: number, repeats: number, onRun: (seconds: number) => void): Promise<PeerRun> {
    const runs: number[] = [];
    let checksum: string | null = null;
    for (let n = 0; n < repeats; n++) {
      const run = await this.once(fileURLToPath(new URL(`./guests/bin/${workload}.elf`, import.meta.url)), `scale=${scale}`);
      runs.push(run.seconds);
      checksum = run.checksum;
      onRun(run.seconds);
    }
    return { seconds: median(runs), runs, checksum };
  }

  protected abstract once(kernel: string, cmdline: string): Promise<{ seconds: number; checksum: string | null }>;
}

/** QEMU: its serial port on stdio, read here as it arrives; port 0xF4 (isa-debug-exit) ends the run. */
export class QemuRunner extends Peer {
  readonly name = "qemu";
  readonly version: string | null;

  constructor(private readonly binary = "qemu-system-i386") {
    super();
    const probe = spawnSync(binary, ["--version"], { encoding: "utf8" });
    this.version = probe.status === 0 ? `${probe.stdout.split("\n")[0]!.trim()} (TCG)` : null;
  }

  protected once(kernel: string, cmdline: string): Promise<{ seconds: number; checksum: string | null }> {
    const workload = kernel.replace(/^.*\//, "");
    const child = spawn(this.binary, [
      "-kernel", kernel,
      "-append", cmdline,
      "-m", "128",
      "-accel", "tcg",
      "-display", "none",
      "-monitor", "none",
      "-serial", "stdio",
      "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
      "-no-reboot",
    ], { stdio: ["ignore", "pipe", "pipe"] });
    const markers = new SerialMarkers();
    let errors = "";
    child.stdout.setEncoding("latin1");
    child.stdout.on("data", (chunk: string) => markers.feed(chunk));
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 600_000);
      child.on("error", reject);
      child.on("close", () => {
        clearTimeout(timer);
        if (markers.started === 0n || !markers.done) reject(new Error(`${workload} under QEMU: no BENCH START/END on its serial port (${errors.trim() || markers.tail()})`));
        else resolve({ seconds: markers.seconds, checksum: markers.checksum });
      });
    });
  }
}

/** v86, in a Node process of its own (bench/v86-guest.ts), when the `v86` package resolves. */
export class V86Runner extends Peer {
  readonly name = "v86";
  readonly version: string | null;

  constructor() {
    super();
    let version: string | null = null;
    try {
      const require = createRequire(import.meta.url);
      const manifest = require.resolve("v86/package.json");
      version = `v86 ${(JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version}`;
    } catch {
      version = null;
    }
    this.version = version;
  }

  protected async once(kernel: string, cmdline: string): Promise<{ seconds: number; checksum: string | null }> {
    const runner = fileURLToPath(new URL("../src/cli/run-typescript.mjs", import.meta.url));
    const script = fileURLToPath(new URL("./v86-guest.ts", import.meta.url));
    const child = spawnSync(process.execPath, [runner, script, kernel, cmdline], { encoding: "utf8", timeout: 660_000 });
    if (child.status !== 0) throw new Error(`${kernel} under v86: ${child.stderr.trim() || child.signal}`);
    return JSON.parse(child.stdout.trim().split("\n").pop()!) as { seconds: number; checksum: string | null };
  }
}
