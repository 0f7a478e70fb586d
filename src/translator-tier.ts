/**
 * Turns on the translator tier of a Machine: hot blocks (executed `threshold` times) are compiled to
 * WebAssembly and run from then on, one region after another through the wasm dispatcher. Loaded on
 * demand because Binaryen costs ~0.4 s and ~80 MB.
 */
import type { Machine } from "./machine.js";
import type { CompiledCode } from "../runtime/interpreter/decoded-block-cache.js";
import { RAM_BASE, Seg } from "../runtime/state/layout.js";

export interface TranslatorOptions {
  /** Executions before a block is compiled (default 50; 1 compiles everything at once). */
  threshold?: number;
  /** Compiled regions kept at most (default 8192); the oldest translation is dropped past it. */
  capacity?: number;
  /**
   * Compile in a worker thread (Node.js) while the interpreter goes on; a translation is installed
   * when it is ready (default false: compiled at once, the same run every time).
   */
  background?: boolean;
  /**
   * Let the engine use the branch hints of compiled code (slow paths unlikely: fib 0.91×, matmul
   * 0.79× guest time, others within noise). In Node.js this turns on V8's
   * `--experimental-wasm-branch-hinting` for the process (default true; false leaves V8's flags alone).
   */
  branchHints?: boolean;
}

/** V8 reads wasm branch hints only behind a flag in Node 20; elsewhere the hints are simply ignored. */
async function enableBranchHints(): Promise<void> {
  if (typeof process === "undefined" || process.versions?.node === undefined) return;
  const v8 = await import("node:v8");
  v8.setFlagsFromString("--experimental-wasm-branch-hinting");
}

/** The compiled function of a region, by entry point, and the handles (table slots) given out for it. */
interface RegionRecord {
  readonly entries: readonly number[];
  functions?: ReadonlyMap<number, () => number>;
  readonly waiting: Set<CompiledCode>;
  failed?: boolean;
}

/**
 * In the CommonJS build, Binaryen (an ES module with top-level await) cannot be required: it is
 * imported here, for src/commonjs/binaryen.ts to hand to the translator's modules.
 */
async function provideBinaryenToCommonJs(): Promise<void> {
  // WARP86_COMMONJS is defined by the build (tsup.config.ts); the ES build drops this branch.
  if (typeof WARP86_COMMONJS !== "undefined" && WARP86_COMMONJS) {
    // A real dynamic import: the bundler rewrites `import()` into `require` in CommonJS output.
    const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<{ default: unknown }>;
    const { provideBinaryen } = await import("./commonjs/binaryen.js");
    provideBinaryen((await importModule("binaryen")).default);
  }
}
declare const WARP86_COMMONJS: boolean | undefined;

export async function enableTranslator(machine: Machine, options: TranslatorOptions = {}): Promise<void> {
  await provideBinaryenToCommonJs();
  if (options.branchHints ?? true) await enableBranchHints();
  // The worker loads its Binaryen while this thread loads its own (each takes ~0.4 s).
  const starting = options.background ? startBackgroundCompiler() : null;
  const { compileBlock, regionEntries, runtimeImports, warmUpEmitter } = await import("../translator/backend/compile-block.js");
  const { createDispatcher, modeFromWord } = await import("../translator/backend/dispatcher.js");
  const cpu = machine.cpu;
  const statistics = machine.interpreter.statistics;
  const capacity = options.capacity ?? 8192;
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`translator capacity must be a positive integer, not ${capacity}`);
  const imports = runtimeImports(cpu, machine.interpreter.builder);
  const dispatcher = createDispatcher(cpu, capacity);
  const background = starting === null ? null : await starting;
  warmUpEmitter();
  const records = new WeakMap<CompiledCode, RegionRecord>();
  cpu.mmu.flushListeners.push((linearPage) => (linearPage === undefined ? dispatcher.jumpCache.flush() : dispatcher.jumpCache.flushPage(linearPage)));
  /** A handle for entering `record`'s region at `eip`: a table slot, filled when its module exists. */
  const handle = (record: RegionRecord, eip: number, mode: number): CompiledCode | undefined => {
    const run = record.functions?.get(eip);
    if (run === undefined && (record.functions !== undefined || record.failed || !record.entries.includes(eip))) return undefined;
    const code: CompiledCode = run ? { eip, mode, slot: dispatcher.add(run) } : { eip, mode, slot: dispatcher.add(), ready: false };
    if (run === undefined) record.waiting.add(code);
    records.set(code, record);
    return code;
  };
  machine.interpreter.translator = {
    threshold: options.threshold ?? 50,
    capacity,
    mode: dispatcher.mode,
    compile(region, eip, mode) {
      if (background === null) {
        const compiled = compileBlock(imports, region.instructions, region.semantics, eip, modeFromWord(mode), region.eips);
        return handle({ entries: [...compiled.entries.keys()], functions: compiled.entries, waiting: new Set() }, eip, mode)!;
      }
      const record: RegionRecord = { entries: regionEntries(region.instructions, region.eips, modeFromWord(mode).code16), waiting: new Set() };
      const lengths = region.instructions.map((instruction) => instruction.length);
      const code = new Uint8Array(lengths.reduce((sum, length) => sum + length, 0));
      let at = 0;
      region.physicals.forEach((physical, n) => {
        code.set(cpu.u8.subarray(RAM_BASE + physical, RAM_BASE + physical + lengths[n]!), at);
        at += lengths[n]!;
      });
      background.compiler.request(code, lengths, region.eips, eip, modeFromWord(mode), record);
      return handle(record, eip, mode)!;
    },
    share(code, eip) {
      const record = records.get(code);
      return record === undefined ? undefined : handle(record, eip, code.mode);
    },
    enter(code, eip, lastOffset, budget) {
      dispatcher.jumpCache.install(eip, cpu.segmentField(Seg.CS, "base"), code.mode, lastOffset, code.slot);
      return dispatcher.run(budget);
    },
    release(code) {
      dispatcher.release(code.slot);
      records.get(code)?.waiting.delete(code);
    },
    // Only with a background compiler: the run loop then skips the call altogether.
    poll: background === null ? undefined : () => {
      if (background.compiler.pending === 0) return;
      statistics.compileSeconds += background.compiler.poll(
        imports,
        (record) => {
          for (const code of record.waiting) {
            dispatcher.fill(code.slot, record.functions!.get(code.eip)!);
            code.ready = true;
          }
          record.waiting.clear();
        },
        (record) => {
          statistics.compileFailures += record.waiting.size;
          record.waiting.clear();
        },
      );
      statistics.backgroundCompileSeconds = background.compiler.workerSeconds;
    },
  };
}

/**
 * The worker's module: the TypeScript source next to this one when running from source (the worker
 * then registers the same module hooks as src/cli/run-typescript.mjs), the built file in dist/.
 */
async function startBackgroundCompiler() {
  const { BackgroundCompiler } = await import("../translator/backend/background-compiler.js");
  const fromSource = import.meta.url.endsWith(".ts");
  const location = fromSource
    ? { entry: new URL("../translator/backend/compile-worker.ts", import.meta.url), hooks: new URL("./cli/typescript-hooks.mjs", import.meta.url) }
    : { entry: new URL("./compile-worker.js", import.meta.url), hooks: null };
  return { compiler: await BackgroundCompiler.start<RegionRecord>(location) };
}
