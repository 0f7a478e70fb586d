/**
 * The interface every instruction's semantics is written against — once.
 *
 * A semantic function `(b: Builder<V>, i: Instruction) => void` describes what an instruction does in
 * terms of the primitives below. Two implementations consume the same functions:
 *   - runtime/interpreter/immediate-builder.ts: V = number; each primitive executes at once on the
 *     CPU state in linear memory (the interpreter);
 *   - translator/backend (wasm builder): V = a handle to a wasm value; each primitive emits Binaryen
 *     code (the translator).
 *
 * Rules for semantic code (so that both consumers agree and faults stay precise):
 *   1. JavaScript control flow may depend only on the decoded Instruction (static facts), never on a V.
 *      Dynamic decisions use `select`, `ifThen`/`ifElse`, `branch`, or a helper callout.
 *   2. Everything that can fault (loads, stores, segment checks, `raise`) happens before the first
 *      write to a register, flag or EIP. Memory stores come after every check of the same instruction;
 *      an instruction with several stores probes them all first (`probeWrite`).
 *   3. Values are 32-bit patterns. A value of size 8 or 16 has its upper bits zero unless a primitive
 *      says otherwise; `sext` widens a signed value.
 *   4. A V may be used any number of times.
 */
import type { Instruction } from "../isa/types.js";
import type { FlagOp } from "./flags.js";
import type { HelperName } from "./helpers.js";

export type Size = 8 | 16 | 32;

export interface Builder<V> {
  // ---- values ----
  /** A 32-bit constant. */
  constant(n: number): V;

  // ---- 32-bit integer arithmetic (wrapping); shifts take a count 0..31 ----
  add(a: V, b: V): V;
  sub(a: V, b: V): V;
  mul(a: V, b: V): V;
  and(a: V, b: V): V;
  or(a: V, b: V): V;
  xor(a: V, b: V): V;
  not(a: V): V;
  shl(a: V, count: V): V;
  shr(a: V, count: V): V;
  sar(a: V, count: V): V;
  rotl(a: V, count: V): V;
  rotr(a: V, count: V): V;
  /** Count of leading / trailing zero bits of a 32-bit value (32 for zero). */
  clz(a: V): V;
  ctz(a: V): V;
  popcnt(a: V): V;
  /** Unsigned remainder; the divisor is never zero (callers guarantee it). */
  remU(a: V, b: V): V;

  // ---- comparisons: 1 or 0 ----
  eq(a: V, b: V): V;
  ne(a: V, b: V): V;
  ltU(a: V, b: V): V;
  leU(a: V, b: V): V;
  ltS(a: V, b: V): V;
  leS(a: V, b: V): V;
  eqz(a: V): V;
  /** `c ? a : b` (both evaluated, no side effects in either). */
  select(c: V, a: V, b: V): V;

  // ---- widths ----
  /** Keep the low `size` bits (zero-extend). */
  zext(size: Size, a: V): V;
  /** Sign-extend the low `size` bits to 32. */
  sext(size: Size, a: V): V;

  // ---- double-width multiply and divide ----
  /** Full 64-bit product of two 32-bit values, as [low, high]. */
  mulWide(a: V, b: V, signed: boolean): [V, V];
  /**
   * Divide the 64-bit value hi:lo by a 32-bit divisor (DIV/IDIV r/m32 semantics, also used for 8/16
   * with the dividend already assembled). Raises #DE on a zero divisor or a quotient that does not fit
   * in `size` bits (signed range for IDIV). Returns [quotient, remainder] zero-extended to `size`.
   */
  divWide(hi: V, lo: V, divisor: V, size: Size, signed: boolean): [V, V];

  // ---- static mode facts (fixed for a translated unit: part of its cache key) ----
  /** Stack pointer width: SS.B (SDM Vol.3 3.4.5). */
  stackSize(): 16 | 32;
  /** CR0.PE and not virtual-8086: protected-mode rules apply. */
  protectedMode(): boolean;

  // ---- registers ----
  /** General register `n` at `size`; for size 8, n = 0..7 names AL CL DL BL AH CH DH BH. */
  getReg(size: Size, n: number): V;
  setReg(size: Size, n: number, value: V): void;
  /** Offset of the current instruction in CS (EIP at its start). */
  instructionPointer(): V;
  /** The visible selector of segment register `seg` (0..5). */
  segmentSelector(seg: number): V;
  /** EIP of the next instruction (current + length), wrapped to 16 bits with a 16-bit code segment. */
  nextInstructionPointer(): V;

  // ---- memory (segment-relative; segmentation, paging and SMC handled inside) ----
  /** The instruction's effective address (offset within its segment), computed once per instruction. */
  effectiveAddress(i: Instruction): V;
  /**
   * Load `size` bits at segment:offset. `forWrite`: the operand will be written back (a read-modify-
   * write): the access is checked for writing already, as the processor does (a #PF reports W=1).
   */
  load(size: Size, segment: number, offset: V, forWrite?: boolean): V;
  /** Store the low `size` bits of value at segment:offset. */
  store(size: Size, segment: number, offset: V, value: V): void;
  /** Check that `bytes` bytes at segment:offset are writable (fault now if not); writes nothing. */
  probeWrite(segment: number, offset: V, bytes: number): void;

  // ---- host ranges: bulk work on RAM that is already mapped (string instructions) ----
  /**
   * The host offset of `bytes` (1..4096) bytes at segment:offset when they can be accessed directly:
   * a flat data segment (base 0, limit 4 GiB, writable), one page, a shadow-TLB hit for this access
   * kind and privilege (for a write: not a page holding code). Otherwise -1. Never faults and never
   * fills the TLB, so it says nothing architectural: a -1 only means "take the general path".
   */
  hostRange(segment: number, offset: V, bytes: V, write: boolean): V;
  /** Copy `bytes` bytes between host ranges from hostRange (as memmove). */
  copyHost(destination: V, source: V, bytes: V): void;
  /** Fill `bytes` bytes of a host range with the low byte of `value`. */
  fillHost(destination: V, value: V, bytes: V): void;
  /** Index of the first byte equal to the low byte of `value` in a host range, `bytes` if none. */
  scanHost(start: V, value: V, bytes: V): V;
  /** The byte at a host offset inside a range from hostRange. */
  readHost8(at: V): V;

  // ---- flags ----
  /**
   * Record the arithmetic flags of an operation lazily: the flags `op` defines are computed from
   * (result, src1, src2) only when someone reads them. Flags outside `mask` keep their value.
   */
  setFlags(op: FlagOp, size: Size, result: V, src1: V, src2: V, mask: number): void;
  /** One EFLAGS bit (mask with a single bit set) as 0/1. */
  getFlag(flagBit: number): V;
  /** Set the EFLAGS bits in `mask` from the same bits of `value` (materialises pending lazy flags). */
  setFlagBits(mask: number, value: V): void;
  /** The x86 condition code 0..15 (as in Jcc's low nibble) evaluated on the current flags, 0/1. */
  condition(cc: number): V;
  /** All of EFLAGS, materialised. */
  getEflags(): V;

  // ---- control ----
  /** Continue at CS:target (an offset) after this instruction. */
  jump(target: V): void;
  /** Continue at CS:target if cond is non-zero, else at the next instruction. */
  branch(cond: V, target: V): void;
  /** Run `then` if cond is non-zero. Effects inside are dynamic; `then` must not return a value. */
  ifThen(cond: V, then: () => void): void;
  /** Value-producing conditional where the arms have side effects (loads/helpers). */
  ifElse(cond: V, then: () => V, otherwise: () => V): V;
  /** Raise an exception (fault semantics: EIP = this instruction). Never returns at run time. */
  raise(vector: number, errorCode?: V): void;
  /**
   * Call a runtime helper (runtime/helpers): written once in TypeScript, called directly by the
   * interpreter and through an import by compiled code. Helpers may read and write any state, may
   * fault, and return one 32-bit value. After a helper that `endsBlock`, EIP comes from state.
   */
  helper(name: HelperName, ...args: V[]): V;
}

/** A semantic function: what one row of the opcode table does. */
export type Semantic = <V>(b: Builder<V>, i: Instruction) => void;
