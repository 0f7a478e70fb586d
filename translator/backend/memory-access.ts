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
 *
 * Kept pages skip most of the probe: an SS access first tests the region's stack page, any other
 * access the page its base register's earlier access kept (address-groups.ts); both are one XOR and
 * one compare, with the full probe out of line. In fib, 88 of a region's 88 accesses were full probes;
 * now all of them are kept-page tests, and the full probes run only when the stack page changes.
 */
import binaryen from "binaryen";
import type { Size } from "../semantics/builder.js";
import { Seg, State, TLB_BASE } from "../../runtime/state/layout.js";
import { FLAT_DATA_ACCESS, fastPathTest } from "../../runtime/mmu/tlb-entry.js";
import type { Value } from "./wasm-builder.js";
import type { AddressGroups } from "./address-groups.js";

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
  /** Accesses sharing a page in straight-line code (address-groups.ts). */
  readonly groups: AddressGroups;
  /**
   * The region's stack page, for SS accesses: an i64 local holding the page's linear base (2^32 when
   * none: no 32-bit address is in that "page") and an i32 local with its host key. Null outside a
   * region. The builder sets the base to 2^32 on entry and after every helper.
   */
  stackPage(): KeptPage | null;
  /** A page kept across the iterations of the inner loop being emitted, for one access (loop-pages.ts). */
  loopPage(): KeptPage | null;
  /** A new i64 local (a kept page's base). */
  newWideLocal(): number;
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
 * The full fast-path probe of an access of `bytes` at segment:offset: statements that set `host` to
 * the host address (and `key` to the entry's host key), and the conditions that send the access to
 * the slow path.
 */
function fullProbe(c: EmissionContext, segment: number, offset: Value, bytes: number, write: boolean, host: number, key: number): { setup: Expression[]; misses: Expression[]; entry: number } {
  const m = c.m;
  const linear = c.newLocal();
  const entry = c.newLocal();
  const get = (local: number) => m.local.get(local, binaryen.i32);
  const { mask, expected } = fastPathTest(write, c.user);
  const misses = notFlat(c, segment);
  const setup = [
    m.local.set(linear, c.get(offset)),
    m.local.set(entry, m.i32.load(TLB_BASE, 4, m.i32.shl(m.i32.shr_u(get(linear), m.i32.const(12)), m.i32.const(2)))),
    m.local.set(key, m.i32.and(get(entry), m.i32.const(~0xfff))),
    m.local.set(host, m.i32.xor(get(key), get(linear))),
  ];
  misses.push(m.i32.ne(m.i32.and(get(entry), m.i32.const(mask)), m.i32.const(expected)));
  // A single byte never crosses into the next page.
  if (bytes > 1) misses.push(m.i32.gt_u(m.i32.and(get(linear), m.i32.const(0xfff)), m.i32.const(0x1000 - bytes)));
  return { setup, misses, entry };
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

/** A kept page: an i64 local with its linear base (NO_PAGE for none) and an i32 local with its host key. */
export interface KeptPage {
  readonly base: number;
  readonly key: number;
}

/** The base of no page: 2^32, which no 32-bit address is in (a zeroed base would be page 0). */
export const NO_PAGE = 1n << 32n;

/**
 * An access: `fast(host)` on the inline path, `slow` out of line. Kept pages first (each an XOR and
 * a compare, the full probe out of line): the region's stack page for SS; the page its base
 * register's earlier access kept (address-groups.ts); in an inner loop, a page of its own
 * (loop-pages.ts), which later accesses of its root share. Otherwise the full probe, which at the
 * top level keeps its page for the root's later accesses. Every kept page is one whose entry allows
 * writes (a read's probe tests that before keeping), so a page kept by a read serves writes too.
 */
function emitAccess(c: EmissionContext, segment: number, offset: Value, bytes: number, write: boolean, fast: (host: Expression) => Expression, slow: Expression): void {
  const m = c.m;
  const get = (local: number) => m.local.get(local, binaryen.i32);
  const host = c.newLocal();
  const flat = knownFlat(c, segment);
  const stack = segment === Seg.SS && flat ? c.stackPage() : null;
  if (stack !== null) {
    emitKeptAccess(c, segment, stack, offset, bytes, write, host, fast, slow);
    return;
  }
  const derivation = flat ? c.groups.derivation(offset) : undefined;
  const group = derivation && c.groups.usable(derivation);
  if (group !== undefined) {
    emitKeptAccess(c, segment, group, offset, bytes, write, host, fast, slow);
    return;
  }
  const loopPage = flat ? c.loopPage() : null;
  if (loopPage !== null) {
    emitKeptAccess(c, segment, loopPage, offset, bytes, write, host, fast, slow);
    if (derivation !== undefined && c.groups.canMake()) c.groups.make(derivation, loopPage);
    return;
  }
  const key = c.newLocal();
  const probe = fullProbe(c, segment, offset, bytes, write, host, key);
  for (const statement of probe.setup) c.emit(statement);
  if (derivation === undefined || !c.groups.canMake()) {
    c.emit(accessPaths(c, probe.misses, fast(get(host)), slow));
    return;
  }
  const base = c.newWideLocal();
  const page = m.i64.extend_u(m.i32.and(c.get(offset), m.i32.const(~0xfff)));
  const none = () => m.i64.const(NO_PAGE as never);
  c.emit(m.local.set(base, write ? page : m.select(allowsWrites(c, probe.entry), page, none())));
  c.emit(accessPaths(c, probe.misses, fast(get(host)), m.block(null, [m.local.set(base, none()), slow], binaryen.none)));
  c.groups.make(derivation, { base, key });
}

/** Whether a TLB entry (in `entry`) allows writes at the region's privilege (and is not code). */
function allowsWrites(c: EmissionContext, entry: number): Expression {
  const m = c.m;
  const writable = fastPathTest(true, c.user);
  return m.i32.eq(m.i32.and(m.local.get(entry, binaryen.i32), m.i32.const(writable.mask)), m.i32.const(writable.expected));
}

/**
 * An access tested against a kept page first; elsewhere, the full probe (out of line), which makes
 * its page the kept one when the entry allows writes. A kept page stays right while compiled code
 * runs: see address-groups.ts for why a TLB entry cannot lose rights then; helpers, which might,
 * reset the stack and loop pages and end the groups.
 */
function emitKeptAccess(c: EmissionContext, segment: number, kept: KeptPage, offset: Value, bytes: number, write: boolean, host: number, fast: (host: Expression) => Expression, slow: Expression): void {
  const m = c.m;
  const get = (local: number) => m.local.get(local, binaryen.i32);
  const id = c.label();
  const key = c.newLocal();
  const probe = fullProbe(c, segment, offset, bytes, write, host, key);
  const sets = m.block(null, [m.local.set(kept.base, m.i64.extend_u(m.i32.and(c.get(offset), m.i32.const(~0xfff)))), m.local.set(kept.key, get(key))], binaryen.none);
  // A write's probe has tested the write rights already; a read's tests them here.
  const keep = write ? sets : m.if(allowsWrites(c, probe.entry), sets);
  c.emit(m.block(`kept${id}`, [
    m.block(`elsewhere${id}`, [
      m.local.set(host, m.i32.xor(c.get(offset), get(kept.key))),
      m.br(`elsewhere${id}`, m.i64.gt_u(m.i64.xor(m.i64.extend_u(c.get(offset)), m.local.get(kept.base, binaryen.i64)), m.i64.const(BigInt(0x1000 - bytes) as never))),
      fast(get(host)),
      m.br(`kept${id}`),
    ], binaryen.none),
    ...probe.setup,
    accessPaths(c, probe.misses, m.block(null, [fast(get(host)), keep], binaryen.none), slow),
  ], binaryen.none));
}

export function emitLoad(c: EmissionContext, size: Size, segment: number, offset: Value, forWrite: boolean): Value {
  const m = c.m;
  const result = c.newLocal();
  const direct = (at: Expression) => m.local.set(result, size === 32 ? m.i32.load(0, 1, at) : size === 16 ? m.i32.load16_u(0, 1, at) : m.i32.load8_u(0, 1, at));
  const slow = c.slowPathCall(`read${size}`, [m.i32.const(segment), c.get(offset), m.i32.const(forWrite ? 1 : 0)]);
  emitAccess(c, segment, offset, size >> 3, forWrite, direct, m.local.set(result, slow));
  return { local: result };
}

export function emitStore(c: EmissionContext, size: Size, segment: number, offset: Value, value: Value): void {
  const m = c.m;
  const direct = (at: Expression) => {
    const v = c.get(value);
    return size === 32 ? m.i32.store(0, 1, at, v) : size === 16 ? m.i32.store16(0, 1, at, v) : m.i32.store8(0, 1, at, v);
  };
  // The slow path may hit translated code (the import returns 1): leave before the next instruction.
  const slow = m.if(c.slowPathCall(`write${size}`, [m.i32.const(segment), c.get(offset), c.get(value)]), c.afterCodeWrite());
  emitAccess(c, segment, offset, size >> 3, true, direct, slow);
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
