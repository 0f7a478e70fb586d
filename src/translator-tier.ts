/**
 * Turns on the translator tier of a Machine: hot blocks (executed `threshold` times) are compiled to
 * WebAssembly and run from then on, one region after another through the wasm dispatcher. Loaded on
 * demand because Binaryen costs ~0.4 s and ~80 MB.
 */
import type { Machine } from "./machine.js";
import { Seg } from "../runtime/state/layout.js";

export interface TranslatorOptions {
  /** Executions before a block is compiled (default 50; 1 compiles everything at once). */
  threshold?: number;
  /** Compiled regions kept at most (default 8192); the oldest translation is dropped past it. */
  capacity?: number;
}

export async function enableTranslator(machine: Machine, options: TranslatorOptions = {}): Promise<void> {
  const { compileBlock, runtimeImports } = await import("../translator/backend/compile-block.js");
  const { createDispatcher, modeFromWord } = await import("../translator/backend/dispatcher.js");
  const cpu = machine.cpu;
  const capacity = options.capacity ?? 8192;
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`translator capacity must be a positive integer, not ${capacity}`);
  const imports = runtimeImports(cpu, machine.interpreter.builder);
  const dispatcher = createDispatcher(cpu, capacity);
  cpu.mmu.flushListeners.push((linearPage) => (linearPage === undefined ? dispatcher.jumpCache.flush() : dispatcher.jumpCache.flushPage(linearPage)));
  machine.interpreter.translator = {
    threshold: options.threshold ?? 50,
    capacity,
    mode: dispatcher.mode,
    compile(region, eip, mode) {
      const compiled = compileBlock(imports, region.instructions, region.semantics, eip, modeFromWord(mode), region.eips);
      return { eip, mode, slot: dispatcher.add(compiled.run) };
    },
    enter(code, eip, lastOffset, budget) {
      dispatcher.jumpCache.install(eip, cpu.segmentField(Seg.CS, "base"), code.mode, lastOffset, code.slot);
      return dispatcher.run(budget);
    },
    release(code) {
      dispatcher.release(code.slot);
    },
  };
}
