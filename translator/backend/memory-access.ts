/**
 * Guest memory accesses in compiled code: the inline shadow-TLB fast path with the slow path out of
 * line (loads and stores), and the host ranges the string instructions work on. Emitted for the
 * WasmBuilder through the few of its services listed in EmissionContext.
 *
 * The fast path (runtime/mmu/tlb-entry.ts): a flat data segment, a TLB entry with the rights of this
 * access kind and privilege (for a write: not a page holding code), and an access that does not cross
 * into the next page. Each test is a `br_if` to the slow path (a compare and a jump for the engine,
 * not booleans combined with i32.and); the slow path calls the runtime, which walks the page tables,
 * raises the fault or reaches the device.
 */
import binaryen from "binaryen";
import type { Size } from "../semantics/builder.js";
import { Seg, State, TLB_BASE } from "../../runtime/state/layout.js";
import { FLAT_DATA_ACCESS, fastPathTest } from "../../runtime/mmu/tlb-entry.js";
import type { Value } from "./wasm-builder.js";

type Expression = number;

/** What access emission needs from the WasmBuilder. */
export interface EmissionContext {
  readonly m: binaryen.Module;
  /** Compiled for CPL 3 (the user-mode TLB rights apply). */
  readonly user: boolean;
  /** DS, ES and SS are flat writable data segments (a fact of the region's mode word). */
  readonly flatData: boolean;
  newLocal(): number;
  emit(expression: Expression): void;
  get(value: Value): Expression;
  define(expression: Expression): Value;
  loadField(offset: number): Expression;
  /** A number for unique label names. */
  label(): number;
  /** The out-of-line call of a runtime memory import, with the state the runtime may observe. */
  slowPathCall(name: string, operands: Expression[]): Expression;
  /** What a store's slow path does when the store changed translated code (code-write-exits.ts). */
  afterCodeWrite(): Expression;
}

/** The segment is flat without a run-time check (DS/ES/SS in a region compiled for flat data). */
function knownFlat(c: EmissionContext, segment: number): boolean {
  return c.flatData && (segment === Seg.DS || segment === Seg.ES || segment === Seg.SS);
}

/** Conditions each true when the segment is not flat data (none when the mode word says it is). */
function notFlat(c: EmissionContext, segment: number): Expression[] {
  if (knownFlat(c, segment)) return [];
  const m = c.m;
  const field = (offset: number) => c.loadField(State.segments + segment * 16 + offset);
  return [
    m.i32.ne(m.i32.and(field(12), m.i32.const(FLAT_DATA_ACCESS.mask)), m.i32.const(FLAT_DATA_ACCESS.expected)),
    field(4),
    m.i32.ne(field(8), m.i32.const(-1)),
  ];
}

/**
 * The fast-path tests of an access of `bytes` at segment:offset: sets `host` to the host address and
 * returns the conditions that send the access to the slow path.
 */
function fastPathMisses(c: EmissionContext, segment: number, offset: Value, bytes: number, write: boolean, host: number): Expression[] {
  const m = c.m;
  const linear = c.newLocal();
  const entry = c.newLocal();
  const get = (local: number) => m.local.get(local, binaryen.i32);
  const { mask, expected } = fastPathTest(write, c.user);
  const misses = notFlat(c, segment);
  c.emit(m.local.set(linear, c.get(offset)));
  c.emit(m.local.set(entry, m.i32.load(TLB_BASE, 4, m.i32.shl(m.i32.shr_u(get(linear), m.i32.const(12)), m.i32.const(2)))));
  c.emit(m.local.set(host, m.i32.xor(m.i32.and(get(entry), m.i32.const(~0xfff)), get(linear))));
  misses.push(m.i32.ne(m.i32.and(get(entry), m.i32.const(mask)), m.i32.const(expected)));
  // A single byte never crosses into the next page.
  if (bytes > 1) misses.push(m.i32.gt_u(m.i32.and(get(linear), m.i32.const(0xfff)), m.i32.const(0x1000 - bytes)));
  return misses;
}

/** `block $done { block $slow { br_if $slow miss… ; fast; br $done } slow }`. */
function accessPaths(c: EmissionContext, misses: readonly Expression[], fast: Expression, slow: Expression): Expression {
  const m = c.m;
  const id = c.label();
  return m.block(`done${id}`, [
    m.block(`slow${id}`, [...misses.map((miss) => m.br(`slow${id}`, miss)), fast, m.br(`done${id}`)], binaryen.none),
    slow,
  ], binaryen.none);
}

export function emitLoad(c: EmissionContext, size: Size, segment: number, offset: Value, forWrite: boolean): Value {
  const m = c.m;
  const host = c.newLocal();
  const result = c.newLocal();
  const misses = fastPathMisses(c, segment, offset, size >> 3, forWrite, host);
  const at = m.local.get(host, binaryen.i32);
  const direct = size === 32 ? m.i32.load(0, 1, at) : size === 16 ? m.i32.load16_u(0, 1, at) : m.i32.load8_u(0, 1, at);
  const slow = c.slowPathCall(`read${size}`, [m.i32.const(segment), c.get(offset), m.i32.const(forWrite ? 1 : 0)]);
  c.emit(accessPaths(c, misses, m.local.set(result, direct), m.local.set(result, slow)));
  return { local: result };
}

export function emitStore(c: EmissionContext, size: Size, segment: number, offset: Value, value: Value): void {
  const m = c.m;
  const host = c.newLocal();
  const misses = fastPathMisses(c, segment, offset, size >> 3, true, host);
  const at = m.local.get(host, binaryen.i32);
  const v = c.get(value);
  const direct = size === 32 ? m.i32.store(0, 1, at, v) : size === 16 ? m.i32.store16(0, 1, at, v) : m.i32.store8(0, 1, at, v);
  // The slow path may hit translated code (the import returns 1): leave before the next instruction.
  const slow = m.if(c.slowPathCall(`write${size}`, [m.i32.const(segment), c.get(offset), c.get(value)]), c.afterCodeWrite());
  c.emit(accessPaths(c, misses, direct, slow));
}

/** Builder.hostRange: the same tests as the fast path, for `bytes` (1..4096) bytes, as one select. */
export function emitHostRange(c: EmissionContext, segment: number, offset: Value, bytes: Value, write: boolean): Value {
  const m = c.m;
  const linear = c.define(c.get(offset));
  const at = () => c.get(linear);
  const entry = c.define(m.i32.load(TLB_BASE, 4, m.i32.shl(m.i32.shr_u(at(), m.i32.const(12)), m.i32.const(2))));
  const { mask, expected } = fastPathTest(write, c.user);
  let ok = m.i32.and(
    m.i32.eq(m.i32.and(c.get(entry), m.i32.const(mask)), m.i32.const(expected)),
    // 1 <= bytes <= room left in the page (bytes - 1 taken unsigned: 0 fails).
    m.i32.le_u(m.i32.sub(c.get(bytes), m.i32.const(1)), m.i32.sub(m.i32.const(0xfff), m.i32.and(at(), m.i32.const(0xfff)))),
  );
  for (const miss of notFlat(c, segment)) ok = m.i32.and(ok, m.i32.eqz(miss));
  const host = m.i32.xor(m.i32.and(c.get(entry), m.i32.const(~0xfff)), at());
  return c.define(m.select(ok, host, m.i32.const(-1)));
}

/** Builder.scanHost: a byte loop over the host range, stopping at the first byte equal to `value`. */
export function emitScanHost(c: EmissionContext, start: Value, value: Value, bytes: Value): Value {
  const m = c.m;
  const index = c.newLocal();
  const byte = c.define(m.i32.and(c.get(value), m.i32.const(0xff)));
  const id = c.label();
  const i = () => m.local.get(index, binaryen.i32);
  c.emit(m.local.set(index, m.i32.const(0)));
  c.emit(m.block(`scanned${id}`, [m.loop(`scan${id}`, m.block(null, [
    // `if … br`, not br_if: every br_if is a slow-path branch (branch-hints.ts hints them unlikely).
    m.if(m.i32.ge_u(i(), c.get(bytes)), m.br(`scanned${id}`)),
    m.if(m.i32.eq(m.i32.load8_u(0, 1, m.i32.add(c.get(start), i())), c.get(byte)), m.br(`scanned${id}`)),
    m.local.set(index, m.i32.add(i(), m.i32.const(1))),
    m.br(`scan${id}`),
  ], binaryen.none))], binaryen.none));
  return { local: index };
}
