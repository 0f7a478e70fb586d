/**
 * The warp86 command line: `warp86 run kernel.elf [--mem 128M] [--cmdline "..."] [--max-instructions N]`.
 * COM1 is connected to stdin/stdout. The process exits with the guest's exit status: the debug-exit
 * value (v << 1) | 1, or 0 when the guest halts with interrupts disabled; 2 for usage errors and
 * images that cannot be loaded; 3 for a triple fault or an exhausted instruction budget.
 */
import { readFileSync } from "node:fs";
import { Machine } from "../machine.js";
import { loadMultiboot } from "../loaders/multiboot.js";
import { ImageError } from "../loaders/errors.js";
import { enableTranslator } from "../translator-tier.js";
import { State } from "../../runtime/state/layout.js";

const USAGE = `usage: warp86 run <kernel> [--mem SIZE] [--cmdline TEXT] [--tier translator|interpreter] [--foreground-compile] [--max-instructions N] [--stats]
  kernel              a Multiboot v1 kernel (ELF or a.out kludge)
  --mem SIZE          guest RAM, e.g. 64M, 1G (default 128M; 1M..1G, a multiple of 4K)
  --cmdline TEXT      the kernel command line passed in the multiboot information
  --tier T            translator (default: hot code compiled to WebAssembly) or interpreter
  --max-instructions N  stop after about N guest instructions
  --foreground-compile  compile hot code on the main thread, the run waiting for each module (the
                      same run every time); by default a worker thread compiles while the
                      interpreter goes on
  --stats             print run statistics (instructions, MIPS) on stderr`;

class UsageError extends Error {}

export function parseSize(text: string): number {
  const match = /^(\d+)([KMG]?)$/i.exec(text.trim());
  if (!match) throw new UsageError(`invalid size '${text}' (expected a number with an optional K, M or G suffix)`);
  const scale = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2]!.toUpperCase() as "" | "K" | "M" | "G"];
  return Number(match[1]) * scale;
}

interface Options {
  kernel: string;
  tier: "translator" | "interpreter";
  background: boolean;
  mem: number;
  cmdline: string;
  maxInstructions?: number;
  stats: boolean;
}

export function parseArguments(args: string[]): Options {
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h") throw new UsageError("");
  if (args[0] !== "run") throw new UsageError(`unknown command '${args[0]}'`);
  const options: Partial<Options> = { mem: 128 << 20, cmdline: "", stats: false, tier: "translator", background: true };
  for (let n = 1; n < args.length; n++) {
    const arg = args[n]!;
    const value = () => {
      const v = args[++n];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === "--mem") options.mem = parseSize(value());
    else if (arg === "--cmdline") options.cmdline = value();
    else if (arg === "--tier") {
      const tier = value();
      if (tier !== "translator" && tier !== "interpreter") throw new UsageError(`--tier must be translator or interpreter, not '${tier}'`);
      options.tier = tier;
    }
    else if (arg === "--max-instructions") {
      const v = Number(value());
      if (!Number.isInteger(v) || v <= 0) throw new UsageError("--max-instructions needs a positive integer");
      options.maxInstructions = v;
    } else if (arg === "--stats") options.stats = true;
    else if (arg === "--foreground-compile") options.background = false;
    else if (arg === "--background-compile") options.background = true; // the default; accepted as before
    else if (arg.startsWith("-")) throw new UsageError(`unknown option '${arg}'`);
    else if (options.kernel === undefined) options.kernel = arg;
    else throw new UsageError(`unexpected argument '${arg}'`);
  }
  if (options.kernel === undefined) throw new UsageError("missing kernel image");
  return options as Options;
}

export async function main(args: string[]): Promise<number> {
  let options: Options;
  try {
    options = parseArguments(args);
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) process.stderr.write(`warp86: ${error.message}\n`);
      process.stderr.write(`${USAGE}\n`);
      return error.message ? 2 : 0;
    }
    throw error;
  }
  let image: Uint8Array;
  try {
    image = readFileSync(options.kernel);
  } catch (error) {
    process.stderr.write(`warp86: cannot read ${options.kernel}: ${(error as Error).message}\n`);
    return 2;
  }
  let machine: Machine;
  const out: number[] = [];
  const flush = () => {
    if (out.length) process.stdout.write(Buffer.from(out.splice(0)));
  };
  try {
    machine = new Machine({ ramSize: options.mem, onSerialOutput: (byte) => out.push(byte) });
    loadMultiboot(machine.cpu, image, { cmdline: options.cmdline });
  } catch (error) {
    if (error instanceof ImageError || error instanceof RangeError) {
      process.stderr.write(`warp86: ${options.kernel}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (!process.stdin.isTTY) {
    try {
      machine.serial.receive(readFileSync(0));
    } catch {
      // no standard input
    }
  }
  if (options.tier === "translator") await enableTranslator(machine, { background: options.background });
  machine.sliceListeners.push(flush);
  const started = process.hrtime.bigint();
  const result = machine.run({ maxInstructions: options.maxInstructions });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  flush();
  if (options.stats) {
    const stats = machine.interpreter.statistics;
    const compiled = options.tier === "interpreter"
      ? ""
      : options.background
        ? `; ${stats.blocksCompiled} regions compiled in a worker thread in ${stats.backgroundCompileSeconds.toFixed(2)} s, installed in ${stats.compileSeconds.toFixed(2)} s`
        : `; ${stats.blocksCompiled} regions compiled in ${stats.compileSeconds.toFixed(2)} s`;
    process.stderr.write(`warp86: ${result.reason} after ${result.instructions} instructions in ${seconds.toFixed(3)} s (${(result.instructions / seconds / 1e6).toFixed(1)} MIPS, ${options.tier}${compiled})\n`);
  }
  switch (result.reason) {
    case "debug-exit":
      return result.exitStatus ?? 1;
    case "halt-forever":
      return 0;
    case "unsupported":
      process.stderr.write(`warp86: the guest used a task gate (vector ${machine.cpu.field(State.exitValue)}); task switching is not supported yet\n`);
      return 3;
    case "triple-fault":
      process.stderr.write(`warp86: triple fault at EIP 0x${machine.cpu.eip.toString(16)}\n`);
      return 3;
    case "budget":
      process.stderr.write("warp86: instruction budget exhausted\n");
      return 3;
    default:
      process.stderr.write(`warp86: stopped (${result.reason})\n`);
      return 3;
  }
}

if (process.argv[1] && /main\.[tj]s$/.test(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
