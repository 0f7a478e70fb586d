/**
 * Turns on the translator tier of a Machine: hot blocks (executed `threshold` times) are compiled to
 * WebAssembly and run from then on, one region after another through the wasm dispatcher. Loaded on
 * demand because Binaryen costs ~0.4 s and ~80 MB.
 */
import type { Machine } from "./machine.js";
import type { CompiledBlock } from "../translator/backend/compile-block.js";
import { Seg } from "../runtime/state/layout.js";
import { decode } from "../translator/decoder/decode.js";
import { semanticKey } from "../translator/isa/opcodes.js";
import { SEMANTICS } from "../translator/semantics/index.js";

export interface TranslatorOptions {
  /** Executions before a block is compiled (default 50; 1 compiles everything at once). */
  threshold?: number;
  /** Compiled regions kept at most (default 8192); the oldest translation is dropped past it. */
  capacity?: number;
}

export async function enableTranslator(machine: Machine, options: TranslatorOptions = {}): Promise<void> {
  const { compileBlock, emitBlockModule, runtimeImports } = await import("../translator/backend/compile-block.js");
  const { createDispatcher, modeFromWord } = await import("../translator/backend/dispatcher.js");
  const cpu = machine.cpu;
  const capacity = options.capacity ?? 8192;
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`translator capacity must be a positive integer, not ${capacity}`);
  const imports = runtimeImports(cpu, machine.interpreter.builder);
  const dispatcher = createDispatcher(cpu, capacity);
  warmUp(emitBlockModule);
  // The compiled function behind each table slot handed out (its other entry points can be shared).
  const regions = new WeakMap<object, CompiledBlock>();
  cpu.mmu.flushListeners.push((linearPage) => (linearPage === undefined ? dispatcher.jumpCache.flush() : dispatcher.jumpCache.flushPage(linearPage)));
  machine.interpreter.translator = {
    threshold: options.threshold ?? 50,
    capacity,
    mode: dispatcher.mode,
    compile(region, eip, mode) {
      const compiled = compileBlock(imports, region.instructions, region.semantics, eip, modeFromWord(mode), region.eips);
      const code = { eip, mode, slot: dispatcher.add(compiled.run) };
      regions.set(code, compiled);
      return code;
    },
    share(code, eip) {
      const compiled = regions.get(code);
      const entry = compiled?.entries.get(eip);
      if (compiled === undefined || entry === undefined) return undefined;
      const shared = { eip, mode: code.mode, slot: dispatcher.add(entry) };
      regions.set(shared, compiled);
      return shared;
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

/**
 * V8 compiles Binaryen's own (large) wasm lazily, function by function: the first module built costs
 * ~20 ms more than the next ones. Building one throwaway module here moves that one-time cost to
 * load time instead of the latency of the first hot region (and of the run's compile share).
 */
let warmedUp = false;
function warmUp(emit: typeof import("../translator/backend/compile-block.js").emitBlockModule): void {
  if (warmedUp) return;
  warmedUp = true;
  // add eax, [ebx+8]; cmp eax, ecx; jb $+2 — a load, flags and a fused branch exercise the usual paths.
  const bytes = Uint8Array.from([0x03, 0x43, 0x08, 0x39, 0xc8, 0x72, 0x00]);
  const instructions = [];
  for (let at = 0; at < bytes.length; ) {
    const instruction = decode(bytes, at, bytes.length, 32);
    if (typeof instruction === "number") throw new Error("warm-up snippet does not decode");
    instructions.push(instruction);
    at += instruction.length;
  }
  emit(instructions, instructions.map((i) => SEMANTICS[semanticKey(i.row)]), 0x1000, { code16: false, stack16: false, protectedMode: true, cpl: 0 });
}
