/**
 * Turns on the translator tier of a Machine: hot blocks (executed `threshold` times) are compiled to
 * WebAssembly and run from then on. Loaded on demand because Binaryen costs ~0.4 s and ~80 MB.
 */
import type { Machine } from "./machine.js";

export interface TranslatorOptions {
  /** Executions before a block is compiled (default 50; 1 compiles everything at once). */
  threshold?: number;
  /** Compiled regions kept at most (default 8192); the oldest translation is dropped past it. */
  capacity?: number;
}

export async function enableTranslator(machine: Machine, options: TranslatorOptions = {}): Promise<void> {
  const { compileBlock, runtimeImports } = await import("../translator/backend/compile-block.js");
  const cpu = machine.cpu;
  const imports = runtimeImports(cpu, machine.interpreter.builder);
  machine.interpreter.translator = {
    threshold: options.threshold ?? 50,
    capacity: options.capacity ?? 8192,
    compile: (region, eip, mode) => compileBlock(imports, region.instructions, region.semantics, eip, mode),
  };
}
