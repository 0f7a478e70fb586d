/**
 * The translator's implementation of Builder: the same semantic functions the interpreter runs emit
 * WebAssembly through Binaryen here. A Value is a constant (folded at translation time) or a local.
 *
 * Baseline tier (first version): guest registers and lazy-flag fields stay in linear memory; memory
 * accesses, helpers and rarely used primitives call imports into the runtime (which may throw a
 * CpuFault through the wasm frames: the caller restores EIP from State.instructionEip). What the
 * translator knows statically it uses: constant folding, and the lazy-flag record of the last
 * flag-setting instruction of the block, so conditions after a compare compile to one wasm compare
 * (flags.ts conditionFromRecord) and flag records overwritten before any reader are never stored.
 */
import binaryen from "binaryen";
import { appendChild } from "./append-child.js";
import type { Builder, Size } from "../semantics/builder.js";
import type { Instruction } from "../isa/types.js";
import { semanticKey } from "../isa/opcodes.js";
import {
  ARITHMETIC_FLAGS,
  CONDITION_FLAGS,
  EFLAGS_FIXED_ONE,
  type FlagOp,
  conditionFromRecord,
  flagFromRecord,
} from "../semantics/flags.js";
import { HELPERS, type HelperInfo, type HelperName } from "../semantics/helpers.js";
import { ImmediateBuilder } from "../../runtime/interpreter/immediate-builder.js";
import { State } from "../../runtime/state/layout.js";
import { AddressGroups } from "./address-groups.js";
import { KeptPageSet } from "./kept-page-set.js";
import { LoopPages } from "./loop-pages.js";
import { emitHostRange, emitLoad, emitScanHost, emitStore, type EmissionContext } from "./memory-access.js";
import { bucketLookup } from "./indirect-lookup.js";
import { addRegionExitFunction, addSlowPathFunctions } from "./region-functions.js";
import { FlagRecord, type StaticRecord } from "./flag-record.js";
import { CodeWriteExits } from "./code-write-exits.js";

export type Value = { readonly constant: number } | { readonly local: number };

type Expression = number;

/** Exit codes of a compiled block function. */
export const enum BlockExit {
  /** Fell off the end or transferred control: State.eip holds the next EIP. */
  Continue = 0,
  /** A store invalidated translated code: return to the runtime before the next instruction. */
  CodeChanged = 1,
  /** A released table slot ran (translator/backend/dispatcher.ts): the runtime looks the block up again. */
  Stale = 2,
}

export const HELPER_NAMES = Object.keys(HELPERS) as HelperName[];

/** Pure arithmetic on constants: the interpreter's own primitives fold them. */
const folder = new ImmediateBuilder({ i32: new Int32Array(0) } as never);

type Comparison = "eq" | "ne" | "ltU" | "leU" | "ltS" | "leS" | "gtU" | "geU" | "gtS" | "geS";
const OPPOSITE: Record<Comparison, Comparison> = { eq: "ne", ne: "eq", ltU: "geU", leU: "gtU", ltS: "geS", leS: "gtS", gtU: "leU", geU: "ltU", gtS: "leS", geS: "ltS" };
const COMPARE: Record<Comparison, (m: binaryen.Module, x: Expression, y: Expression) => Expression> = {
  eq: (m, x, y) => m.i32.eq(x, y), ne: (m, x, y) => m.i32.ne(x, y),
  ltU: (m, x, y) => m.i32.lt_u(x, y), leU: (m, x, y) => m.i32.le_u(x, y), gtU: (m, x, y) => m.i32.gt_u(x, y), geU: (m, x, y) => m.i32.ge_u(x, y),
  ltS: (m, x, y) => m.i32.lt_s(x, y), leS: (m, x, y) => m.i32.le_s(x, y), gtS: (m, x, y) => m.i32.gt_s(x, y), geS: (m, x, y) => m.i32.ge_s(x, y),
};
/** Compares of two constants, folded at translation time (the greater-than forms swap the operands). */
const FOLD: Record<Comparison, (x: number, y: number) => number> = {
  eq: (x, y) => folder.eq(x, y), ne: (x, y) => folder.ne(x, y),
  ltU: (x, y) => folder.ltU(x, y), leU: (x, y) => folder.leU(x, y), gtU: (x, y) => folder.ltU(y, x), geU: (x, y) => folder.leU(y, x),
  ltS: (x, y) => folder.ltS(x, y), leS: (x, y) => folder.leS(x, y), gtS: (x, y) => folder.ltS(y, x), geS: (x, y) => folder.leS(y, x),
};

export class WasmBuilder implements Builder<Value> {
  readonly locals: number[] = [];
  private statements: Expression[] = [];
  private eaInstruction: Instruction | null = null;
  private eaValue: Value | null = null;
  /** Where the lazy-flag record is, and the code that moves it (flag-record.ts). */
  private readonly flags: FlagRecord;
  private currentEip = 0;
  /** Set by a conditional arm that changed the flags: after the conditional they are unknown. */
  private armsChangedFlags = false;
  /** Branches to the region's entry points stay inside the function (see enableLoop). */
  private loop: {
    /** Entry points: EIP → [instruction index, ordinal in the dispatch table]. */
    entries: ReadonlyMap<number, readonly [number, number]>;
    /** Entry points a RET is compared against (return sites of the region's CALLs). */
    returnSites: readonly number[];
    /** Entry points an indirect JMP or CALL is compared against. */
    indirectTargets: readonly number[];
    retiredBase: number;
    /** The ordinal of the entry point to run next (wasm local). */
    next: number;
  } | null = null;
  /** Where each entry point's code starts in the top-level statement list (for regionBody). */
  private readonly entryStarts: number[] = [];
  private currentLength = 0;

  constructor(
    private readonly m: binaryen.Module,
    private readonly code16: boolean,
    private readonly stack16: boolean,
    private readonly protectedModeActive: boolean,
    /** CPL the block was compiled for (selects the user or supervisor TLB test). */
    private readonly cpl: number,
    /** DS, ES and SS are flat writable data segments (a fact of the mode word the region is keyed by). */
    private readonly flatData = false,
    /** Parameters of the function emitted (locals come after them): 2 for a region (see enableLoop). */
    private readonly parameterCount = 0,
  ) {
    this.stackPage = new KeptPageSet(m, (type) => this.typedLocal(type));
    this.loopPages = new LoopPages(m, (type) => this.typedLocal(type));
    this.flags = new FlagRecord({ m, get: (value) => this.get(value), loadField: (offset) => this.loadField(offset), newLocal: () => this.newLocal() });
    this.access = {
      m,
      user: cpl === 3,
      flatData,
      newLocal: () => this.newLocal(),
      emit: (expression) => this.emit(expression),
      get: (value) => this.get(value),
      define: (expression) => this.define(expression),
      loadField: (offset) => this.loadField(offset),
      label: () => this.labels++,
      slowPathCall: (name, operands) => this.slowPathCall(name, operands),
      afterCodeWrite: () => this.codeWrites.site(),
      groups: this.groups,
      stackPage: () => (this.loop === null ? null : this.stackPage.first()),
      loopPage: () => this.loopPages.site(this.currentIndex),
      newWideLocal: () => this.typedLocal(binaryen.i64),
    };
    this.codeWrites = new CodeWriteExits({
      m,
      emitted: () => this.emitted,
      flagState: () => this.flags.record,
      newLocal: () => this.newLocal(),
      emit: (expression) => this.emit(expression),
      exitCodeChanged: (target) => this.exit(BlockExit.CodeChanged, target),
      exitFromSlowPath: () => m.return(m.i32.const(BlockExit.CodeChanged)),
    });
  }
  /** What memory-access.ts emits memory accesses with. */
  private readonly access: EmissionContext;
  /** Accesses sharing a page in straight-line code (address-groups.ts). */
  private readonly groups = new AddressGroups();
  /** The region's stack page for SS accesses, set to none at the function's entry (kept-page-set.ts). */
  private readonly stackPage: KeptPageSet;
  /** Pages kept across an inner loop's iterations (loop-pages.ts). */
  private readonly loopPages: LoopPages;
  /** Entry indices whose segments branch back to their own start (loop-pages.ts loopSegments). */
  private loopSegmentStarts: ReadonlySet<number> = new Set();

  // ---- emission plumbing ----
  private emit(expression: Expression): void {
    this.statements.push(expression);
    this.emitted++;
  }
  /** Statements emitted in the whole function (CodeWriteExits compares counts). */
  private emitted = 0;
  /** Leaving after stores that wrote over translated code (code-write-exits.ts). */
  private readonly codeWrites: CodeWriteExits;
  /** The current instruction's code is complete (before a block end's continuation jump). */
  endInstruction(): void {
    this.codeWrites.settle();
  }
  private newLocal(): number {
    return this.typedLocal(binaryen.i32);
  }
  private typedLocal(type: number): number {
    this.locals.push(type);
    return this.parameterCount + this.locals.length - 1;
  }
  /** An expression reading `v`. */
  get(v: Value): Expression {
    return "constant" in v ? this.m.i32.const(v.constant | 0) : this.m.local.get(v.local, binaryen.i32);
  }
  private define(expression: Expression): Value {
    const local = this.newLocal();
    this.emit(this.m.local.set(local, expression));
    return { local };
  }
  private fold(values: Value[], compute: (...n: number[]) => number, emit: () => Expression): Value {
    if (values.every((v) => "constant" in v)) return { constant: compute(...values.map((v) => (v as { constant: number }).constant)) | 0 };
    return this.define(emit());
  }
  private binary(a: Value, b: Value, compute: (x: number, y: number) => number, op: (x: Expression, y: Expression) => Expression): Value {
    return this.fold([a, b], compute, () => op(this.get(a), this.get(b)));
  }
  private loadField(offset: number): Expression {
    return this.m.i32.load(offset, 4, this.m.i32.const(0));
  }
  private storeField(offset: number, value: Expression): Expression {
    return this.m.i32.store(offset, 4, this.m.i32.const(0), value);
  }
  private call(name: string, operands: Expression[], result = binaryen.i32): Expression {
    return this.m.call(name, operands, result);
  }
  /**
   * A call into the lazy-flag runtime (flags-module.ts): wasm that reads and writes only the flag
   * record and EFLAGS in State and cannot fault, so no registers or bookkeeping need storing first.
   */
  private flagCall(name: "keepFlags" | "getFlag" | "condition", operands: Expression[], result = binaryen.i32): Expression {
    return this.call(name, operands, result);
  }
  /** An import call preceded by the bookkeeping stores, as one expression (for conditional arms). */
  private syncedCall(name: string, operands: Expression[], result = binaryen.i32): Expression {
    const call = this.call(name, operands, result);
    const stores = this.sync();
    if (result === binaryen.none) return this.m.block(null, [...stores, call], binaryen.none);
    return this.m.block(null, [...stores, call], result);
  }
  /**
   * The out-of-line path of a memory access: the flag record goes to memory on this path only (a
   * fault there must see exact flags), while the fast path keeps it in locals.
   */
  private slowPathCall(name: string, operands: Expression[]): Expression {
    if (this.loop === null) return this.m.block(null, [...this.flags.stores(), ...this.sync(), this.call(name, operands, binaryen.i32)], binaryen.i32);
    // In a region, one function per import does the bookkeeping stores (slowPathFunctions): a call
    // passing the values is about a third of the code of the stores written out at every access.
    const m = this.m;
    this.slowPaths.add(name);
    const get = (local: number) => m.local.get(local, binaryen.i32);
    const flags = this.flags.arguments();
    const registers = Array.from({ length: 8 }, (_, n) => get(this.register(n)));
    const bookkeeping = [m.i32.const(this.currentEip), m.i32.const(this.nextInstructionPointerNumber()), m.i32.add(get(this.loop.retiredBase), m.i32.const(this.currentIndex + 1))];
    return m.call(`slow_${name}`, [...operands, ...bookkeeping, ...registers, ...flags], binaryen.i32);
  }
  /**
   * Leave the region through its shared exit function (regionExitFunction): flag record, written
   * registers, next EIP and retired count stored there, `code` returned.
   */
  private exitThroughFunction(code: BlockExit, eip: Expression, flagsFromLocals = false): Expression {
    const m = this.m;
    const loop = this.loop!;
    this.usesExitFunction = true;
    const registers = Array.from({ length: 8 }, (_, n) => m.local.get(this.register(n), binaryen.i32));
    const retired = m.i32.add(m.local.get(loop.retiredBase, binaryen.i32), m.i32.const(this.currentIndex + 1));
    return m.return(m.call("region_exit", [m.i32.const(code), eip, retired, ...registers, ...this.flags.arguments(flagsFromLocals)], binaryen.i32));
  }
  private usesExitFunction = false;
  /** Imports reached through a shared slow-path function (slowPathCall). */
  private readonly slowPaths = new Set<string>();
  /** Collect the statements emitted by `body` into a separate list (for if arms). */
  private nested(body: () => void): Expression {
    const saved = this.statements;
    this.statements = [];
    this.groups.enterArm();
    body();
    this.groups.leaveArm();
    const list = this.statements;
    this.statements = saved;
    return this.m.block(null, list, binaryen.none);
  }
  takeStatements(): Expression[] {
    const list = this.statements;
    this.statements = [];
    return list;
  }

  /**
   * Let branches to the region's entry points (its first instruction, and instructions that a
   * branch inside the region targets: `entries`, EIP → instruction index, with index 0 first) run on
   * inside the function instead of returning to the runtime. The function body becomes a loop around
   * a br_table on the entry to run; a backward branch leaves once LOOP_INSTRUCTIONS have retired in the call, so
   * interrupts and the time slice wait boundedly. The flag record is in memory at every entry point
   * (stored before an internal branch and before falling through into one).
   */
  enableLoop(entries: ReadonlyMap<number, number>, returnSites: readonly number[] = [], indirectTargets: readonly number[] = []): void {
    const ordered = [...entries].sort((a, b) => a[1] - b[1]);
    if (ordered[0]?.[1] !== 0) throw new Error("the region's first instruction must be an entry point");
    if (this.parameterCount !== 2) throw new Error("a region function takes (entry ordinal, retired base)");
    const known = (list: readonly number[]) => list.filter((eip) => entries.has(eip));
    this.loop = {
      entries: new Map(ordered.map(([eip, index], ordinal) => [eip, [index, ordinal] as const])),
      returnSites: known(returnSites),
      indirectTargets: known(indirectTargets),
      // The caller picks the entry point and starts the count so that State.retired is right there.
      next: 0,
      retiredBase: 1,
    };
    this.flags.useLocals();
  }
  /**
   * The entry indices whose segments are inner loops (loop-pages.ts loopSegments) and the
   * instructions whose accesses get pages of their own there (loopAccessSites), before emission.
   */
  setLoopSegments(starts: ReadonlySet<number>, sites: ReadonlySet<number>): void {
    this.loopSegmentStarts = starts;
    this.loopPages.setSites(sites);
  }
  /** Per instruction, the arithmetic flags overwritten after it before they can be observed. */
  private flagsOverwritten: readonly number[] = [];
  /** Flag liveness of the unit's instructions (translator/backend/flag-liveness.ts), before emission. */
  setFlagLiveness(overwrittenAfter: readonly number[], entryKeeps: ReadonlyMap<number, number> = new Map()): void {
    this.flagsOverwritten = overwrittenAfter;
    this.entryKeeps = entryKeeps;
  }
  /** Entry instruction indices, for beginInstruction. */
  private entryIndices: Set<number> | null = null;
  /**
   * The function body's region: `loop $region { block $entryN { … block $entry0 { br_table } code0 … } codeN }`,
   * so that `br $region` with the `next` local set re-enters at any entry point.
   */
  regionBody(): Expression {
    const m = this.m;
    const statements = this.takeStatements();
    const tail = m.return(m.i32.const(BlockExit.Continue));
    const starts = this.entryStarts;
    if (this.loop === null) return m.loop(WasmBuilder.LOOP_LABEL, m.block(null, [...statements, tail], binaryen.none));
    // The code of entry `ordinal`, a wasm loop if a branch in it goes back to its start.
    // Entering a segment from outside first forgets its loop's kept pages (loop-pages.ts).
    const segment = (ordinal: number, code: Expression[]): Expression[] => [
      ...this.loopPages.entryStatements(ordinal),
      ...(this.segmentLoops.has(ordinal) ? [m.loop(`segment${ordinal}`, m.block(null, code, binaryen.none))] : code),
    ];
    if (starts.length === 0) return m.loop(WasmBuilder.LOOP_LABEL, m.block(null, [...segment(0, statements), tail], binaryen.none));
    const labels = [0, ...starts.map((_, n) => n + 1)].map((n) => `entry${n}`);
    let nest = m.block(labels[0]!, [m.switch(labels, labels[0]!, m.local.get(this.loop.next, binaryen.i32))], binaryen.none);
    for (let n = 1; n < labels.length; n++) {
      // The segment's code is appended after the block is made: a named block created with a child
      // that cannot fall through (a `br` ending the segment) makes Binaryen search the whole block
      // for branches to its label, which is quadratic in the depth of this nest (a quarter of a
      // large region's emission time). Its type is `none` either way: the switch branches to it.
      nest = m.block(labels[n]!, [nest], binaryen.none);
      for (const statement of segment(n - 1, statements.slice(n === 1 ? 0 : starts[n - 2], starts[n - 1]))) appendChild(nest, statement);
    }
    const last = segment(labels.length - 1, statements.slice(starts[starts.length - 1]));
    return m.loop(WasmBuilder.LOOP_LABEL, m.block(null, [nest, ...last, tail], binaryen.none));
  }
  static readonly LOOP_LABEL = "region";
  /** Instructions a region call may retire before a backward branch leaves it (interrupt latency). */
  static readonly LOOP_INSTRUCTIONS = 1 << 16;

  // ---- per instruction ----
  beginInstruction(i: Instruction, eip: number, index: number): void {
    const loop = this.loop;
    if (loop !== null) {
      this.entryIndices ??= new Set([...loop.entries.values()].map(([entryIndex]) => entryIndex));
      if (this.entryIndices.has(index)) {
        // Control may arrive here from elsewhere (the first instruction too: a loop branches back to
        // it): all that is known is that the flag locals hold the record, not memory.
        if (index > 0) for (const set of this.flags.toLocals()) this.emit(set);
        this.flags.enterEntryPoint();
        this.groups.forget();
        if (index > 0) this.entryStarts.push(this.statements.length);
        this.segment = { index, ordinal: loop.entries.get(eip)?.[1] ?? 0 };
        this.loopPages.enterSegment(this.segment.ordinal, this.loopSegmentStarts.has(index));
      }
    }
    this.currentEip = eip;
    this.currentKey = semanticKey(i.row);
    this.currentIndex = index;
    this.currentLength = i.length;
    this.eaInstruction = null;
    this.eaValue = null;
  }
  private currentIndex = 0;
  private currentKey = "";
  /** The entry point whose code the current instruction is in (its segment of the region body). */
  private segment = { index: 0, ordinal: 0 };
  /** Ordinals of segments a branch inside them goes back to their start: wrapped in a wasm loop. */
  private readonly segmentLoops = new Set<number>();
  /**
   * The instruction bookkeeping the runtime can observe, stored only on paths that reach it (an
   * import call, an exit): State.instructionEip (a fault restores EIP from it), State.eip (the next
   * instruction: helpers push it as a return address) and State.retired (instructions completed if
   * the region leaves during this one).
   */
  private sync(): Expression[] {
    const m = this.m;
    const retired = this.loop
      ? m.i32.add(m.local.get(this.loop.retiredBase, binaryen.i32), m.i32.const(this.currentIndex + 1))
      : m.i32.const(this.currentIndex + 1);
    return [
      ...this.spills(),
      this.storeField(State.instructionEip, m.i32.const(this.currentEip)),
      this.storeField(State.eip, m.i32.const(this.nextInstructionPointerNumber())),
      this.storeField(State.retired, retired),
    ];
  }
  /** Emit the bookkeeping stores now (before an import call on the straight path). */
  private nextInstructionPointerNumber(): number {
    const next = this.currentEip + this.currentLength;
    return this.code16 ? next & 0xffff : next | 0;
  }
  /** Stores that put an unstored flag record into memory (nothing if it is there already). */
  /**
   * Put the flag record into memory now: before anything the runtime can observe (an import call that
   * may fault or read flags) and before the block returns.
   */
  flushFlags(): void {
    for (const store of this.flags.flush()) this.emit(store);
  }
  /** Return from the block function; on this path only, store the pending flag record first. */
  exit(code: BlockExit, target?: Value): Expression {
    const m = this.m;
    if (this.loop !== null) return this.exitThroughFunction(code, target === undefined ? m.i32.const(this.nextInstructionPointerNumber()) : this.get(target));
    // Nothing can fault after this point: State.instructionEip is not needed, only where to go on.
    return m.block(null, [
      ...this.flags.stores(),
      ...this.spills(),
      this.storeField(State.eip, target === undefined ? m.i32.const(this.nextInstructionPointerNumber()) : this.get(target)),
      this.storeField(State.retired, m.i32.const(this.currentIndex + 1)),
      m.return(m.i32.const(code)),
    ], binaryen.none);
  }

  // ---- Builder: values ----
  constant(n: number): Value { return { constant: n | 0 }; }
  add(a: Value, b: Value): Value {
    const sum = this.binary(a, b, (x, y) => folder.add(x, y), (x, y) => this.m.i32.add(x, y));
    if ("constant" in b) this.groups.added(sum, a, b.constant);
    else if ("constant" in a) this.groups.added(sum, b, a.constant);
    return sum;
  }
  sub(a: Value, b: Value): Value {
    const difference = this.binary(a, b, (x, y) => folder.sub(x, y), (x, y) => this.m.i32.sub(x, y));
    if ("constant" in b) this.groups.added(difference, a, -b.constant);
    return difference;
  }
  mul(a: Value, b: Value): Value { return this.binary(a, b, (x, y) => folder.mul(x, y), (x, y) => this.m.i32.mul(x, y)); }
  and(a: Value, b: Value): Value { return this.binary(a, b, (x, y) => folder.and(x, y), (x, y) => this.m.i32.and(x, y)); }
  or(a: Value, b: Value): Value { return this.binary(a, b, (x, y) => folder.or(x, y), (x, y) => this.m.i32.or(x, y)); }
  xor(a: Value, b: Value): Value {
    // A condition negated (odd condition codes: flags.ts) is the opposite compare, not xor 1 of a setcc.
    const compare = "local" in a && "constant" in b && b.constant === 1 ? this.comparisons.get(a.local) : undefined;
    if (compare !== undefined) return this.comparison(compare.opposite, compare.left, compare.right, compare.kind);
    return this.binary(a, b, (x, y) => folder.xor(x, y), (x, y) => this.m.i32.xor(x, y));
  }
  /** Locals that hold a compare's 0/1 result, with the compare that negates it. */
  private readonly comparisons = new Map<number, { kind: Comparison; opposite: Comparison; left: Value; right: Value }>();
  private comparison(kind: Comparison, left: Value, right: Value, opposite = OPPOSITE[kind]): Value {
    const value = this.binary(left, right, (x, y) => FOLD[kind](x, y), (x, y) => COMPARE[kind](this.m, x, y));
    if ("local" in value) this.comparisons.set(value.local, { kind, opposite, left, right });
    return value;
  }
  not(a: Value): Value { return this.xor(a, { constant: -1 }); }
  shl(a: Value, c: Value): Value { return this.binary(a, c, (x, y) => folder.shl(x, y), (x, y) => this.m.i32.shl(x, y)); }
  shr(a: Value, c: Value): Value { return this.binary(a, c, (x, y) => folder.shr(x, y), (x, y) => this.m.i32.shr_u(x, y)); }
  sar(a: Value, c: Value): Value { return this.binary(a, c, (x, y) => folder.sar(x, y), (x, y) => this.m.i32.shr_s(x, y)); }
  rotl(a: Value, c: Value): Value { return this.binary(a, c, (x, y) => folder.rotl(x, y), (x, y) => this.m.i32.rotl(x, y)); }
  rotr(a: Value, c: Value): Value { return this.binary(a, c, (x, y) => folder.rotr(x, y), (x, y) => this.m.i32.rotr(x, y)); }
  clz(a: Value): Value { return this.fold([a], (x) => folder.clz(x), () => this.m.i32.clz(this.get(a))); }
  ctz(a: Value): Value { return this.fold([a], (x) => folder.ctz(x), () => this.m.i32.ctz(this.get(a))); }
  popcnt(a: Value): Value { return this.fold([a], (x) => folder.popcnt(x), () => this.m.i32.popcnt(this.get(a))); }
  remU(a: Value, b: Value): Value { return this.binary(a, b, (x, y) => folder.remU(x, y), (x, y) => this.m.i32.rem_u(x, y)); }
  eq(a: Value, b: Value): Value { return this.comparison("eq", a, b); }
  ne(a: Value, b: Value): Value { return this.comparison("ne", a, b); }
  ltU(a: Value, b: Value): Value { return this.comparison("ltU", a, b); }
  leU(a: Value, b: Value): Value { return this.comparison("leU", a, b); }
  ltS(a: Value, b: Value): Value { return this.comparison("ltS", a, b); }
  leS(a: Value, b: Value): Value { return this.comparison("leS", a, b); }
  eqz(a: Value): Value {
    const compare = "local" in a ? this.comparisons.get(a.local) : undefined;
    if (compare !== undefined) return this.comparison(compare.opposite, compare.left, compare.right, compare.kind);
    // A compare too, so that its negation (JNE after SUB/ADD/AND: xor 1) is `ne` for the branch, not
    // a setcc flipped and tested.
    return this.comparison("eq", a, { constant: 0 });
  }
  select(c: Value, a: Value, b: Value): Value {
    if ("constant" in c) return c.constant !== 0 ? a : b;
    return this.define(this.m.select(this.get(c), this.get(a), this.get(b)));
  }
  zext(size: Size, a: Value): Value {
    if (size === 32) return a;
    return this.and(a, { constant: size === 16 ? 0xffff : 0xff });
  }
  sext(size: Size, a: Value): Value {
    if (size === 32) return a;
    return this.fold([a], (x) => folder.sext(size, x), () => (size === 16 ? this.m.i32.extend16_s(this.get(a)) : this.m.i32.extend8_s(this.get(a))));
  }
  mulWide(a: Value, b: Value, signed: boolean): [Value, Value] {
    if ("constant" in a && "constant" in b) {
      const [low, high] = folder.mulWide(a.constant, b.constant, signed);
      return [{ constant: low }, { constant: high }];
    }
    const m = this.m;
    const extend = (v: Value) => (signed ? m.i64.extend_s(this.get(v)) : m.i64.extend_u(this.get(v)));
    // The low half on its own (the same bits as the wide product's): when the high half only feeds
    // flags no one reads, the engine drops the 64-bit multiply altogether.
    const low = this.define(m.i32.mul(this.get(a), this.get(b)));
    const high = this.define(m.i32.wrap(m.i64.shr_u(m.i64.mul(extend(a), extend(b)), m.i64.const(32n as never))));
    return [low, high];
  }
  divWide(hi: Value, lo: Value, divisor: Value, size: Size, signed: boolean): [Value, Value] {
    this.flushFlags();
    this.emit(this.syncedCall("divide", [this.get(hi), this.get(lo), this.get(divisor), this.m.i32.const(size), this.m.i32.const(signed ? 1 : 0)], binaryen.none));
    return [this.define(this.loadField(State.scratch)), this.define(this.loadField(State.scratch + 4))];
  }

  // ---- mode facts ----
  stackSize(): 16 | 32 { return this.stack16 ? 16 : 32; }
  protectedMode(): boolean { return this.protectedModeActive; }

  // ---- registers ----
  /**
   * Guest registers live in wasm locals for the whole region: loaded once at entry (prologue), written
   * back to the state block before anything the runtime can observe (import calls, exits) and
   * reloaded after helpers, which may change them. A read copies the local, so a later write to the
   * register cannot change a value already taken.
   */
  private readonly registerLocals: number[] = [];
  /** Registers the region reads or writes (bit n: register n), and those it writes. */
  private registersUsed = 0;
  private registersWritten = 0;
  /**
   * Spill and reload points are emitted as empty blocks and filled in by prologue(), once the whole
   * region is known: spills store the registers the region writes anywhere (with the back-edge loop,
   * a write later in the region may precede an earlier exit), reloads after helpers load the ones it
   * uses. A register the region never touches stays in memory, where helpers also see it.
   */
  private readonly spillSites: Expression[] = [];
  private readonly reloadSites: Expression[] = [];
  /** The entry loads; call after the whole region was emitted (it completes the spill and reload points). */
  prologue(): Expression[] {
    const m = this.m;
    addSlowPathFunctions(m, this.slowPaths, this.registersWritten);
    if (this.usesExitFunction) addRegionExitFunction(m, this.registersWritten);
    for (const site of this.spillSites) {
      for (let n = 0; n < 8; n++) {
        if (this.registersWritten & (1 << n)) appendChild(site, this.storeField(State.regs + 4 * n, m.local.get(this.register(n), binaryen.i32)));
      }
    }
    for (const site of this.reloadSites) for (const load of this.registerLoads()) appendChild(site, load);
    // Every entry point expects the flag record in the flag locals.
    return [...this.registerLoads(), ...(this.flags.locals ? this.flags.localLoads() : []), ...this.stackPage.complete()];
  }
  private registerLoads(): Expression[] {
    const loads: Expression[] = [];
    for (let n = 0; n < 8; n++) {
      if (this.registersUsed & (1 << n)) loads.push(this.m.local.set(this.register(n), this.loadField(State.regs + 4 * n)));
    }
    return loads;
  }
  private register(n: number): number {
    if (this.registerLocals.length === 0) for (let r = 0; r < 8; r++) this.registerLocals.push(this.newLocal());
    return this.registerLocals[n]!;
  }
  private reloads(): Expression[] {
    const site = this.m.block(null, [], binaryen.none);
    this.reloadSites.push(site);
    return [site];
  }
  private spills(): Expression[] {
    const site = this.m.block(null, [], binaryen.none);
    this.spillSites.push(site);
    return [site];
  }
  getReg(size: Size, n: number): Value {
    const m = this.m;
    const index = size === 8 && n >= 4 ? n - 4 : n;
    this.registersUsed |= 1 << index;
    const full = m.local.get(this.register(index), binaryen.i32);
    if (size === 32) {
      const copy = this.define(full);
      this.groups.registerRead(index, (copy as { local: number }).local);
      return copy;
    }
    if (size === 16) return this.define(m.i32.and(full, m.i32.const(0xffff)));
    return this.define(n < 4 ? m.i32.and(full, m.i32.const(0xff)) : m.i32.and(m.i32.shr_u(full, m.i32.const(8)), m.i32.const(0xff)));
  }
  setReg(size: Size, n: number, value: Value): void {
    const m = this.m;
    const index = size === 8 && n >= 4 ? n - 4 : n;
    this.registersUsed |= 1 << index;
    this.registersWritten |= 1 << index;
    const local = this.register(index);
    const old = m.local.get(local, binaryen.i32);
    let next: Expression;
    this.groups.registerWritten(index, size === 32 ? value : null);
    if (size === 32) next = this.get(value);
    else if (size === 16) next = m.i32.or(m.i32.and(old, m.i32.const(~0xffff)), m.i32.and(this.get(value), m.i32.const(0xffff)));
    else if (n < 4) next = m.i32.or(m.i32.and(old, m.i32.const(~0xff)), m.i32.and(this.get(value), m.i32.const(0xff)));
    else next = m.i32.or(m.i32.and(old, m.i32.const(~0xff00)), m.i32.shl(m.i32.and(this.get(value), m.i32.const(0xff)), m.i32.const(8)));
    this.emit(m.local.set(local, next));
  }
  instructionPointer(): Value { return { constant: this.currentEip }; }
  nextInstructionPointer(): Value { return { constant: this.nextInstructionPointerNumber() }; }
  segmentSelector(seg: number): Value {
    return this.define(this.m.i32.load16_u(State.segments + seg * 16, 2, this.m.i32.const(0)));
  }

  // ---- memory ----
  effectiveAddress(i: Instruction): Value {
    if (this.eaInstruction === i && this.eaValue) return this.eaValue;
    let ea: Value = { constant: i.displacement };
    if (i.base >= 0) ea = this.add(ea, this.getReg(32, i.base));
    if (i.index >= 0) ea = this.add(ea, this.shl(this.getReg(32, i.index), { constant: i.scale }));
    if (i.addressSize === 16) ea = this.zext(16, ea);
    this.eaInstruction = i;
    this.eaValue = ea;
    return ea;
  }
  load(size: Size, segment: number, offset: Value, forWrite?: boolean): Value {
    return emitLoad(this.access, size, segment, offset, forWrite === true);
  }
  store(size: Size, segment: number, offset: Value, value: Value): void {
    emitStore(this.access, size, segment, offset, value);
    this.codeWrites.storeEmitted();
  }
  // ---- host ranges (string instructions) ----
  hostRange(segment: number, offset: Value, bytes: Value, write: boolean): Value {
    return emitHostRange(this.access, segment, offset, bytes, write);
  }
  copyHost(destination: Value, source: Value, bytes: Value): void {
    this.emit(this.m.memory.copy(this.get(destination), this.get(source), this.get(bytes)));
  }
  fillHost(destination: Value, value: Value, bytes: Value): void {
    this.emit(this.m.memory.fill(this.get(destination), this.get(value), this.get(bytes)));
  }
  scanHost(start: Value, value: Value, bytes: Value): Value {
    return emitScanHost(this.access, start, value, bytes);
  }
  readHost8(at: Value): Value {
    return this.define(this.m.i32.load8_u(0, 1, this.get(at)));
  }

  probeWrite(segment: number, offset: Value, bytes: number): void {
    this.flushFlags();
    this.emit(this.syncedCall("probeWrite", [this.m.i32.const(segment), this.get(offset), this.m.i32.const(bytes)], binaryen.none));
  }

  // ---- flags ----
  setFlags(op: FlagOp, size: Size, result: Value, src1: Value, src2: Value, mask: number): void {
    const pending = this.flags.pending;
    const m = this.m;
    // Flags this instruction leaves alone that may be pending must be computed before the record is
    // replaced, unless the code after it overwrites them before anyone can look (flag-liveness.ts).
    // Only arithmetic flags are ever pending.
    const keep = ARITHMETIC_FLAGS & ~mask & ~(this.flagsOverwritten[this.currentIndex] ?? 0);
    if (keep === 0) {
      // Nothing to keep.
    } else if (this.flags.record === null && pending === null && this.flags.inLocals && !this.flags.inMemory) {
      // After an entry point the record is in the flag locals: only if flags this instruction leaves
      // alone are pending there (rarely) does it go to memory and the runtime compute them.
      const word = m.local.get(this.flags.locals!.word, binaryen.i32);
      this.emit(m.if(m.i32.and(word, m.i32.const(keep << 16)), m.block(null, [...this.flags.localStores(), this.flagCall("keepFlags", [m.i32.const(~mask)], binaryen.none)], binaryen.none)));
    } else if (this.flags.record !== null && pending !== null) {
      // The record is known here: the flags to keep are computed into EFLAGS inline, not by a callout.
      if ((pending & keep) !== 0) this.keepFlagsInline(this.flags.record, pending & keep);
    } else if (pending === null || (pending & keep) !== 0) {
      // Some pending flags survive this instruction: compute them into EFLAGS first (as the interpreter does).
      this.flushFlags();
      // Only when such flags are really pending (usually not): then compute them in the runtime.
      this.emit(m.if(m.i32.and(this.loadField(State.lazyPending), m.i32.const(keep)), this.flagCall("keepFlags", [m.i32.const(~mask)], binaryen.none)));
    }
    this.flags.inLocals = false;
    // The previous record, if never stored, is overwritten: its stores are simply never emitted.
    this.flags.record = { op, size, result, src1, src2, mask, unstored: true };
    this.flags.pending = mask;
  }
  /**
   * Compute `bits` of the known record `r` into EFLAGS (what the runtime's keepFlags does for a record
   * in memory), before a new record that leaves those flags alone replaces it.
   */
  private keepFlagsInline(r: StaticRecord, bits: number): void {
    let eflags = this.and(this.define(this.loadField(State.eflags)), { constant: ~bits });
    for (let bit = 1; bit <= bits; bit <<= 1) {
      if ((bits & bit) === 0) continue;
      const value = flagFromRecord(this, r.op, r.size, r.result, r.src1, r.src2, bit);
      eflags = this.or(eflags, this.shl(value, { constant: Math.log2(bit) }));
    }
    this.emit(this.storeField(State.eflags, this.get(eflags)));
  }
  getFlag(flagBit: number): Value {
    const r = this.flags.record;
    if (r !== null && this.flags.pending !== null && (this.flags.pending & flagBit) !== 0) {
      return flagFromRecord(this, r.op, r.size, r.result, r.src1, r.src2, flagBit);
    }
    // Only arithmetic flags are ever pending; the others (DF, IF, …) are always in EFLAGS itself.
    if ((flagBit & ARITHMETIC_FLAGS) === 0 || (this.flags.pending !== null && (this.flags.pending & flagBit) === 0)) {
      return this.define(this.m.i32.ne(this.m.i32.and(this.loadField(State.eflags), this.m.i32.const(flagBit)), this.m.i32.const(0)));
    }
    this.flushFlags();
    const value = this.define(this.flagCall("getFlag", [this.m.i32.const(flagBit)]));
    this.flags.changedInMemory();
    return value;
  }
  setFlagBits(mask: number, value: Value): void {
    this.flushFlags();
    const m = this.m;
    this.emit(this.storeField(State.lazyPending, m.i32.and(this.loadField(State.lazyPending), m.i32.const(~mask))));
    this.emit(this.storeField(State.eflags, m.i32.or(m.i32.and(this.loadField(State.eflags), m.i32.const(~mask)), m.i32.or(m.i32.and(this.get(value), m.i32.const(mask)), m.i32.const(EFLAGS_FIXED_ONE)))));
    if (this.flags.pending !== null) this.flags.pending &= ~mask;
    this.flags.changedInMemory();
  }
  condition(cc: number): Value {
    const r = this.flags.record;
    const needs = CONDITION_FLAGS[cc >> 1]!;
    if (r !== null && this.flags.pending !== null && (this.flags.pending & needs) === needs) {
      const value = conditionFromRecord(this, cc, r.op, r.size, r.result, r.src1, r.src2, this.flags.pending);
      if (value !== undefined) return value;
    }
    this.flushFlags();
    const value = this.define(this.flagCall("condition", [this.m.i32.const(cc)]));
    this.flags.changedInMemory();
    return value;
  }
  getEflags(): Value {
    this.flushFlags();
    const value = this.define(this.syncedCall("getEflags", []));
    this.flags.pending = 0;
    this.flags.changedInMemory();
    return value;
  }

  // ---- control ----
  jump(target: Value): void {
    this.codeWrites.beforeTransfer(target);
    const loop = this.loop;
    if (loop === null) {
      this.emit(this.exit(BlockExit.Continue, target));
      return;
    }
    if ("constant" in target) {
      const entry = loop.entries.get(target.constant);
      if (entry === undefined) this.emit(this.exit(BlockExit.Continue, target));
      else if (entry[0] > this.currentIndex) this.emit(this.forwardBranch(entry[0], entry[1]));
      else if (entry[0] === this.segment.index) this.emit(this.segmentLoopBranch(target, entry[1]));
      else this.emit(this.internalBranch(target, entry[1], this.currentIndex + 1 - entry[0], entry[0]));
      return;
    }
    // A computed target (RET, JMP/CALL through a register or memory): compared with the entry points
    // it is likely to reach; one of them stays inside the function, anything else leaves it.
    const candidates = this.currentKey === "RET" ? loop.returnSites : this.currentKey === "JMP" || this.currentKey === "CALL" ? loop.indirectTargets : [];
    if (candidates.length === 0) {
      this.emit(this.exit(BlockExit.Continue, target));
      return;
    }
    const m = this.m;
    const ordinal = this.newLocal();
    const delta = this.newLocal();
    const found = `found${this.labels++}`;
    const test = (eip: number) => {
      const [index, entryOrdinal] = loop.entries.get(eip)!;
      // A target laid out later is reached straight (it cannot loop); one before goes round the loop.
      if (index > this.currentIndex) return m.if(m.i32.eq(this.get(target), m.i32.const(eip)), this.forwardBranch(index, entryOrdinal));
      return m.if(m.i32.eq(this.get(target), m.i32.const(eip)), m.block(null, [
        ...this.flagsIntoEntry(index),
        m.local.set(ordinal, m.i32.const(entryOrdinal)),
        m.local.set(delta, m.i32.const(this.currentIndex + 1 - index)),
        m.br(found),
      ], binaryen.none));
    };
    const lookup = candidates.length <= WasmBuilder.COMPARE_CHAIN ? candidates.map(test) : [bucketLookup(m, () => this.get(target), candidates, test, this.labels++)];
    this.emit(m.block(found, [...lookup, this.exit(BlockExit.Continue, target)], binaryen.none));
    // Each candidate put the flag record into the locals already (for its own entry point).
    this.emit(this.backwardBranch(target, m.local.get(delta, binaryen.i32), [m.local.set(loop.next, m.local.get(ordinal, binaryen.i32))], WasmBuilder.LOOP_LABEL, []));
  }
  private labels = 0;
  /** Candidates up to this many are compared one after the other; more go through bucketLookup (indirect-lookup.ts). */
  static readonly COMPARE_CHAIN = 4;
  /**
   * A branch to an entry point laid out after this instruction: straight to its code (the end of
   * block $entry<ordinal>, which encloses everything before it), without the br_table. It cannot
   * loop, so it does not check LOOP_INSTRUCTIONS.
   */
  private forwardBranch(index: number, ordinal: number): Expression {
    const loop = this.loop!;
    const m = this.m;
    return m.block(null, [
      ...this.flagsIntoEntry(index),
      m.local.set(loop.retiredBase, m.i32.add(m.local.get(loop.retiredBase, binaryen.i32), m.i32.const(this.currentIndex + 1 - index))),
      m.br(`entry${ordinal}`),
    ], binaryen.none);
  }
  /**
   * Branch to an entry point of the region (`ordinal` in its br_table). `delta` rebases the retired
   * count: State.retired is retiredBase + (index of the instruction + 1), so after the branch the
   * instructions up to this one are retired and counting resumes at the entry's index.
   */
  /**
   * A branch back to the start of the code it is in (a loop of one block, the common inner loop):
   * that code becomes a wasm `loop` and the branch goes straight to it, so the engine sees a natural
   * loop instead of a second trip through the br_table. Bounded by LOOP_INSTRUCTIONS all the same.
   */
  private segmentLoopBranch(target: Value, ordinal: number): Expression {
    this.segmentLoops.add(ordinal);
    return this.backwardBranch(target, this.m.i32.const(this.currentIndex + 1 - this.segment.index), [], `segment${ordinal}`, this.flagsIntoEntry(this.segment.index));
  }
  /**
   * What every backward branch inside the region does: the flag record into the flag locals, the
   * loop bound, the retired count rebased by `delta`, then `br label` (after `before`).
   */
  private backwardBranch(target: Value, delta: Expression, before: Expression[], label: string, flags: Expression[]): Expression {
    const loop = this.loop!;
    const m = this.m;
    return m.block(null, [
      ...flags,
      this.loopBound(target),
      m.local.set(loop.retiredBase, m.i32.add(m.local.get(loop.retiredBase, binaryen.i32), delta)),
      ...before,
      m.br(label),
    ], binaryen.none);
  }
  /**
   * A backward branch leaves the region once LOOP_INSTRUCTIONS have retired in this call (retiredBase
   * + index + 1 counts them; every backward branch adds at least one), so a loop cannot starve
   * interrupts and the time slice. One compare on a local the branch updates anyway.
   */
  private loopBound(target: Value): Expression {
    const m = this.m;
    return m.if(
      m.i32.ge_s(m.local.get(this.loop!.retiredBase, binaryen.i32), m.i32.const(WasmBuilder.LOOP_INSTRUCTIONS - this.currentIndex - 1)),
      this.exitThroughFunction(BlockExit.Continue, this.get(target), true),
    );
  }
  private internalBranch(target: Value, ordinal: number, delta: number, entryIndex: number): Expression {
    const m = this.m;
    return this.backwardBranch(target, m.i32.const(delta), [m.local.set(this.loop!.next, m.i32.const(ordinal))], WasmBuilder.LOOP_LABEL, this.flagsIntoEntry(entryIndex));
  }
  /**
   * The flag record into the flag locals on a branch to the entry point at `entryIndex`. Where that
   * entry's first flag writer tests the locals for pending flags it must keep (setFlags),
   * a known record computes those flags here instead and passes them as no longer pending: inline
   * code on the branch rather than a keepFlags callout at every trip round a loop (`cmp; jne` back to
   * an `inc` kept CF through the runtime on every iteration of crc32's and randmem's inner loops).
   */
  private flagsIntoEntry(entryIndex: number): Expression[] {
    const keep = this.entryKeeps.get(entryIndex) ?? 0;
    const record = this.flags.record;
    const pending = this.flags.pending;
    if (record === null || pending === null || (pending & keep) === 0) return this.flags.toLocals();
    const computed = this.nested(() => this.keepFlagsInline(record, pending & keep));
    this.flags.pending = pending & ~keep;
    const stores = this.flags.toLocals();
    this.flags.pending = pending;
    return [computed, ...stores];
  }
  /** Entry index → the flags its first flag writer keeps when they are pending (flag-liveness.ts entryFlagKeeps). */
  private entryKeeps: ReadonlyMap<number, number> = new Map();
  branch(cond: Value, target: Value): void {
    if ("constant" in cond) {
      if (cond.constant !== 0) this.jump(target);
      return;
    }
    this.emit(this.m.if(this.get(cond), this.nested(() => this.jump(target))));
  }
  ifThen(cond: Value, then: () => void): void {
    if ("constant" in cond) {
      if (cond.constant !== 0) then();
      return;
    }
    this.flushFlags();
    this.armsChangedFlags = false;
    const before = { record: this.flags.record, pending: this.flags.pending };
    const arm = this.nested(() => this.armWithFlags(then));
    this.emit(this.m.if(this.get(cond), arm));
    this.afterConditional(before);
  }
  ifElse(cond: Value, then: () => Value, otherwise: () => Value): Value {
    if ("constant" in cond) return cond.constant !== 0 ? then() : otherwise();
    this.flushFlags();
    const result = this.newLocal();
    this.armsChangedFlags = false;
    const before = { record: this.flags.record, pending: this.flags.pending };
    const thenArm = this.nested(() => this.armWithFlags(() => this.emit(this.m.local.set(result, this.get(then())))));
    const elseArm = this.nested(() => {
      this.flags.record = before.record;
      this.flags.pending = before.pending;
      this.armWithFlags(() => this.emit(this.m.local.set(result, this.get(otherwise()))));
    });
    this.emit(this.m.if(this.get(cond), thenArm, elseArm));
    this.afterConditional(before);
    return { local: result };
  }
  private afterConditional(before: { record: StaticRecord | null; pending: number | null }): void {
    if (this.armsChangedFlags) {
      this.flags.record = null;
      this.flags.pending = null;
    } else {
      this.flags.record = before.record;
      this.flags.pending = before.pending;
    }
    this.armsChangedFlags = false;
  }
  /**
   * Run a conditional arm. Flag records it creates live in its own locals: they are stored at the end
   * of the arm, and after the conditional the static flag state is whatever both paths agree on.
   */
  private armWithFlags(body: () => void): void {
    const record = this.flags.record;
    const pending = this.flags.pending;
    body();
    const changed = this.flags.record !== record || this.flags.pending !== pending;
    if (changed) {
      this.flushFlags();
      this.flags.record = null;
      this.flags.pending = null;
      this.armsChangedFlags = true;
    } else {
      this.flags.record = record;
      this.flags.pending = pending;
    }
  }
  raise(vector: number, errorCode?: Value): void {
    this.flushFlags();
    this.emit(this.syncedCall("raise", [this.m.i32.const(vector), errorCode ? this.get(errorCode) : this.m.i32.const(-1)], binaryen.none));
    this.emit(this.m.unreachable());
  }
  helper(name: HelperName, ...args: Value[]): Value {
    this.flushFlags();
    const operands = [this.m.i32.const(HELPER_NAMES.indexOf(name)), ...[0, 1, 2, 3].map((k) => (args[k] ? this.get(args[k]!) : this.m.i32.const(0)))];
    const result = this.define(this.syncedCall("helper", operands));
    // The CPU mode may have changed (segments, CR0, CPL): the dispatcher must look again.
    this.emit(this.storeField(State.modeStale, this.m.i32.const(1)));
    // Helpers may change registers (string loops, CPUID, far transfers): take them back.
    for (const reload of this.reloads()) this.emit(reload);
    this.groups.forget();
    // A helper might change what a page maps to (none does without ending the block, but the page
    // is cheap to probe again): after it, no stack page.
    this.emit(this.stackPage.resetPoint());
    const loopReset = this.loopPages.resetPoint();
    if (loopReset !== null) this.emit(loopReset);
    // Helpers may read or write any flag: static knowledge ends here.
    this.flags.record = null;
    this.flags.pending = null;
    this.flags.changedInMemory();
    const info = HELPERS[name] as HelperInfo;
    if (info.endsBlock) this.emit(this.m.return(this.m.i32.const(BlockExit.Continue)));
    else {
      // The helper wrote over translated code (a REP MOVS onto the next instruction): leave before
      // anything compiled from the old bytes runs, at this instruction again if it must repeat.
      const m = this.m;
      const next = m.i32.const(this.nextInstructionPointerNumber());
      const target = info.repeats ? this.define(m.select(this.get(result), m.i32.const(this.currentEip), next)) : { constant: this.nextInstructionPointerNumber() };
      this.emit(m.if(this.loadField(State.codeChanged), this.exit(BlockExit.CodeChanged, target)));
    }
    return result;
  }
}
