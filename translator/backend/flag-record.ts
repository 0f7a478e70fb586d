/**
 * Where the lazy-flag record (translator/semantics/flags.ts: op, size, result, src1, src2, pending)
 * is while a block or region is emitted (wasm-builder.ts), and the code that moves it.
 *
 * Three places: statically known (the last setFlags of the straight line: `record`, with the pending
 * mask in `pending`), in the state block (`inMemory`), and, in a region, in four locals carried
 * across its entry points (`inLocals`): a loop back-edge then costs four local.sets instead of five
 * stores, and memory is written only on the paths that leave or call out.
 */
import binaryen from "binaryen";
import type { Size } from "../semantics/builder.js";
import { encodeLazyOp, type FlagOp } from "../semantics/flags.js";
import { State } from "../../runtime/state/layout.js";
import { NO_FLAG_STORE, lazyRecordStores } from "./region-functions.js";
import type { Value } from "./wasm-builder.js";

type Expression = number;

export interface StaticRecord {
  op: FlagOp;
  size: Size;
  result: Value;
  src1: Value;
  src2: Value;
  /** Pending bits this record defines. */
  mask: number;
  /** The fields are not yet in memory (stored lazily when a reader or the block end needs them). */
  unstored: boolean;
}

/** What the flag record code needs from the WasmBuilder. */
export interface FlagEmission {
  readonly m: binaryen.Module;
  get(value: Value): Expression;
  loadField(offset: number): Expression;
  newLocal(): number;
}

export class FlagRecord {
  /** Static knowledge of the lazy flags: the record of the last setFlags in this straight line. */
  record: StaticRecord | null = null;
  /** Static knowledge of State.lazyPending: known after a setFlags in this straight line. */
  pending: number | null = null;
  /**
   * The region's flag locals. The op word and the pending mask share one (op | pending << 16: both
   * are constants where a record is put there), one value fewer live across the region's loops.
   */
  locals: { word: number; result: number; src1: number; src2: number } | null = null;
  /** With `record` null: the record is in the locals, in memory, or both. */
  inLocals = false;
  inMemory = true;

  constructor(private readonly c: FlagEmission) {}

  /** Allocate the region's flag locals. */
  useLocals(): void {
    this.locals = { word: this.c.newLocal(), result: this.c.newLocal(), src1: this.c.newLocal(), src2: this.c.newLocal() };
  }

  /** The stores that put the current record into memory (none if it is there already). */
  stores(): Expression[] {
    const r = this.record;
    if (r === null) return this.inMemory ? [] : this.localStores();
    if (!r.unstored) return [];
    const m = this.c.m;
    return lazyRecordStores(m, [m.i32.const(encodeLazyOp(r.op, r.size)), this.c.get(r.result), this.c.get(r.src1), this.c.get(r.src2), m.i32.const(r.mask)]);
  }

  /** The stores of `stores()`, after which memory holds the current record. */
  flush(): Expression[] {
    const stores = this.stores();
    if (this.record) this.record.unstored = false;
    this.inMemory = true;
    return stores;
  }

  /** The flag locals into memory. */
  localStores(): Expression[] {
    return lazyRecordStores(this.c.m, this.localFields());
  }

  /** The record's five fields from the flag locals. */
  localFields(): Expression[] {
    const f = this.locals!;
    const m = this.c.m;
    const get = (local: number) => m.local.get(local, binaryen.i32);
    return [m.i32.and(get(f.word), m.i32.const(0xffff)), get(f.result), get(f.src1), get(f.src2), m.i32.shr_u(get(f.word), m.i32.const(16))];
  }

  /** The record as five arguments of a shared region function (region-functions.ts), or NO_FLAG_STORE. */
  arguments(fromLocals = false): Expression[] {
    const m = this.c.m;
    const r = this.record;
    if (!fromLocals && r !== null && r.unstored) {
      return [m.i32.const(encodeLazyOp(r.op, r.size)), this.c.get(r.result), this.c.get(r.src1), this.c.get(r.src2), m.i32.const(r.mask)];
    }
    if (fromLocals || (r === null && !this.inMemory)) return this.localFields();
    return [m.i32.const(NO_FLAG_STORE), m.i32.const(0), m.i32.const(0), m.i32.const(0), m.i32.const(0)];
  }

  /** Put the current record into the flag locals (on a path into an entry point). */
  toLocals(): Expression[] {
    const f = this.locals!;
    const m = this.c.m;
    const r = this.record;
    if (r !== null) {
      return [
        m.local.set(f.word, m.i32.const(encodeLazyOp(r.op, r.size) | ((this.pending ?? r.mask) << 16))),
        m.local.set(f.result, this.c.get(r.result)),
        m.local.set(f.src1, this.c.get(r.src1)),
        m.local.set(f.src2, this.c.get(r.src2)),
      ];
    }
    if (this.inLocals) return [];
    return this.localLoads();
  }

  /** The flag locals loaded from memory. */
  localLoads(): Expression[] {
    const f = this.locals!;
    const m = this.c.m;
    const field = (offset: number) => this.c.loadField(offset);
    return [
      m.local.set(f.word, m.i32.or(field(State.lazyOp), m.i32.shl(field(State.lazyPending), m.i32.const(16)))),
      m.local.set(f.result, field(State.lazyResult)),
      m.local.set(f.src1, field(State.lazySrc1)),
      m.local.set(f.src2, field(State.lazySrc2)),
    ];
  }

  /** At an entry point control may arrive from elsewhere: all that is known is that the locals hold the record. */
  enterEntryPoint(): void {
    this.record = null;
    this.pending = null;
    this.inLocals = true;
    this.inMemory = false;
  }

  /** The runtime may have changed the lazy-flag fields in memory: the flag locals are stale. */
  changedInMemory(): void {
    this.inLocals = false;
    this.inMemory = true;
  }
}
