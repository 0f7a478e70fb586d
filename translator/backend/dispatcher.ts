/**
 * The dispatcher: a small wasm module that runs compiled regions one after another without returning
 * to JavaScript. After each region it looks the next EIP up in the jump cache (jump-cache.ts) and
 * calls the region's function through the shared table (`call_indirect`, ~20–30 ns a hop against
 * ~45 ns and up for a JavaScript dispatcher; ../shared notes). It returns to the runtime on a miss,
 * when a region reports anything but "continue" (code changed, stale slot), when the instruction
 * budget is spent or when someone set State.stopRequest, so interrupts wait at most one region.
 *
 * It also owns the mode word: the CPU-mode facts a translation depends on, computed here once in wasm
 * (`mode`) and used both as the jump-cache key and, unpacked, as the mode a region is compiled for.
 */
import binaryen from "binaryen";
import type { Cpu } from "../../runtime/cpu.js";
import { JumpCacheField, Seg, SEGMENT_SIZE, SegmentField, State } from "../../runtime/state/layout.js";
import { emitEntryAddress, JumpCache } from "../cache/jump-cache.js";
import { BlockExit } from "./wasm-builder.js";
import type { BlockMode } from "./compile-block.js";
import { FLAT_DATA_ACCESS } from "../../runtime/mmu/tlb-entry.js";

/** Bits of the mode word. */
export const enum ModeBit {
  Code16 = 1,
  Stack16 = 2,
  Protected = 4,
  /** CPL in bits 3–4. */
  CplShift = 3,
  /** DS, ES and SS are flat writable data segments (base 0, limit 4 GiB): accesses skip segment checks. */
  FlatData = 32,
}

export function modeFromWord(word: number): BlockMode {
  return {
    code16: (word & ModeBit.Code16) !== 0,
    stack16: (word & ModeBit.Stack16) !== 0,
    protectedMode: (word & ModeBit.Protected) !== 0,
    cpl: (word >> ModeBit.CplShift) & 3,
    flatData: (word & ModeBit.FlatData) !== 0,
  };
}

export interface Dispatcher {
  /** Run compiled regions from the current EIP; returns the instructions they retired. */
  run(budget: number): number;
  /** The current mode word. */
  mode(): number;
  /** Put a region's function in the shared table (or the stale stub until `fill`); returns its slot. */
  add(run?: () => number): number;
  /** The function for a slot handed out before its region was compiled (background compilation). */
  fill(slot: number, run: () => number): void;
  /** The region in `slot` is gone (invalidated or evicted): it can never run again from the jump cache. */
  release(slot: number): void;
  readonly jumpCache: JumpCache;
}

const i32 = binaryen.i32;

function segmentField(seg: number, field: keyof typeof SegmentField): number {
  return State.segments + seg * SEGMENT_SIZE + SegmentField[field];
}

function emitDispatcherModule(): Uint8Array {
  const m = new binaryen.Module();
  try {
    m.setFeatures(binaryen.Features.MVP | binaryen.Features.ReferenceTypes);
    m.addMemoryImport("0", "env", "memory");
    m.addTableImport("regions", "env", "table");
    const load = (offset: number) => m.i32.load(offset, 4, m.i32.const(0));
    const store = (offset: number, value: number) => m.i32.store(offset, 4, m.i32.const(0), value);

    const flat = (seg: number) =>
      m.i32.and(
        m.i32.eq(m.i32.and(load(segmentField(seg, "access")), m.i32.const(FLAT_DATA_ACCESS.mask)), m.i32.const(FLAT_DATA_ACCESS.expected)),
        m.i32.and(m.i32.eqz(load(segmentField(seg, "base"))), m.i32.eq(load(segmentField(seg, "limit")), m.i32.const(-1))),
      );
    const big = (seg: number) => m.i32.and(load(segmentField(seg, "access")), m.i32.const(0x4000));
    const modeWord = m.i32.or(
      m.i32.or(m.i32.eqz(big(Seg.CS)), m.i32.shl(m.i32.eqz(big(Seg.SS)), m.i32.const(1))),
      m.i32.or(
        m.i32.or(m.i32.shl(m.i32.and(load(State.cr0), m.i32.const(1)), m.i32.const(2)), m.i32.shl(m.i32.and(load(State.cpl), m.i32.const(3)), m.i32.const(ModeBit.CplShift))),
        m.i32.shl(m.i32.and(m.i32.and(flat(Seg.DS), flat(Seg.ES)), flat(Seg.SS)), m.i32.const(5)),
      ),
    );
    m.addFunction("mode", binaryen.none, i32, [], modeWord);
    m.addFunctionExport("mode", "mode");

    // The stale stub: what a released slot (and slot 0) runs; it retires nothing and asks for the runtime.
    m.addFunction("stale", binaryen.none, i32, [], m.block(null, [store(State.retired, m.i32.const(0)), m.i32.const(BlockExit.Stale)], i32));
    m.addFunctionExport("stale", "stale");

    // run(budget): locals 0 budget, 1 executed, 2 eip, 3 entry, 4 exit code, 5 mode word. The mode
    // word is computed on entry and again only after a region that called a helper (State.modeStale).
    const refreshMode = () => m.block(null, [m.local.set(5, m.call("mode", [], i32)), store(State.modeStale, m.i32.const(0))], binaryen.none);
    const local = (n: number) => m.local.get(n, i32);
    const field = (f: keyof typeof JumpCacheField) => m.i32.load(JumpCacheField[f], 4, local(3));
    const hop = m.loop("hop", m.block(null, [
      m.br("done", m.i32.ge_u(local(1), local(0))),
      m.br("done", load(State.stopRequest)),
      m.local.set(2, load(State.eip)),
      m.local.set(3, emitEntryAddress(m, () => local(2))),
      m.br("done", m.i32.ne(field("eip"), local(2))),
      m.br("done", m.i32.ne(field("csBase"), load(segmentField(Seg.CS, "base")))),
      m.if(load(State.modeStale), refreshMode()),
      m.br("done", m.i32.ne(field("mode"), local(5))),
      m.br("done", m.i32.gt_u(field("lastOffset"), load(segmentField(Seg.CS, "limit")))),
      store(State.codeChanged, m.i32.const(0)),
      store(State.dispatched, local(1)),
      m.local.set(4, m.call_indirect("regions", field("slot"), [], binaryen.none, i32)),
      // A region that leaves with a non-zero exit code (code changed, stale) still retired instructions.
      m.local.set(1, m.i32.add(local(1), load(State.retired))),
      m.br("hop", m.i32.eqz(local(4))),
    ]));
    const body = m.block(null, [refreshMode(), m.block("done", [hop]), local(1)], i32);
    m.addFunction("run", binaryen.createType([i32]), i32, [i32, i32, i32, i32, i32], body);
    m.addFunctionExport("run", "run");
    if (!m.validate()) throw new Error("dispatcher module is invalid");
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

export function createDispatcher(cpu: Cpu, capacity: number): Dispatcher {
  // Slots 1..capacity+1: a region is compiled (and takes a slot) before the oldest one is evicted.
  const slots = capacity + 1;
  const table = new WebAssembly.Table({ element: "anyfunc", initial: slots + 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(emitDispatcherModule() as Uint8Array<ArrayBuffer>), {
    env: { memory: cpu.memory, table },
  });
  const exports = instance.exports as { run: (budget: number) => number; mode: () => number; stale: () => number };
  const jumpCache = new JumpCache(cpu.i32);
  // Slot 0 is never a region: a zeroed jump-cache entry calls the stale stub.
  for (let slot = 0; slot <= slots; slot++) table.set(slot, exports.stale);
  const free: number[] = [];
  for (let slot = slots; slot >= 1; slot--) free.push(slot);
  return {
    run: exports.run,
    mode: exports.mode,
    jumpCache,
    add(run) {
      const slot = free.pop();
      if (slot === undefined) throw new Error("dispatcher table is full (the code cache capacity bounds it)");
      table.set(slot, run ?? exports.stale);
      return slot;
    },
    fill(slot, run) {
      table.set(slot, run);
    },
    release(slot) {
      table.set(slot, exports.stale);
      jumpCache.forgetSlot(slot);
      free.push(slot);
    },
  };
}
