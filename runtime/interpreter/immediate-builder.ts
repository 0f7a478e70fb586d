/**
 * The interpreter's implementation of Builder<number>: every primitive executes at once on the CPU
 * state in linear memory. Semantic functions run through this object are the interpreter.
 *
 * Values are int32 JS numbers (`| 0`); comparisons convert with `>>> 0` where unsignedness matters.
 * EIP convention while an instruction runs: State.eip already holds the NEXT instruction's EIP (so
 * helpers that push a return address or take a trap read it directly); `jump` overwrites it; a fault
 * makes the run loop put back the instruction's own EIP.
 */
import type { Builder, Size } from "../../translator/semantics/builder.js";
import type { Instruction } from "../../translator/isa/types.js";
import {
  ARITHMETIC_FLAGS,
  CONDITION_FLAGS,
  EFLAGS_FIXED_ONE,
  type FlagOp,
  conditionFromFlags,
  conditionFromRecord,
  encodeLazyOp,
  flagFromRecord,
  flagsFromRecord,
} from "../../translator/semantics/flags.js";
import { HELPERS, type HelperInfo, type HelperName } from "../../translator/semantics/helpers.js";
import { SEGMENT_SIZE, State, TLB_BASE } from "../state/layout.js";
import { FLAT_DATA_ACCESS, TLB_FLAG_BITS, fastPathTest } from "../mmu/tlb-entry.js";
import type { Cpu } from "../cpu.js";
import { CpuFault, Vector } from "../exceptions/fault.js";
import { segmentLinear } from "./segment-access.js";
import { HELPER_IMPLEMENTATIONS } from "../helpers/index.js";

const EIP = State.eip >> 2;
const EFLAGS = State.eflags >> 2;
const PENDING = State.lazyPending >> 2;
const LAZY_OP = State.lazyOp >> 2;
const LAZY_RESULT = State.lazyResult >> 2;
const LAZY_SRC1 = State.lazySrc1 >> 2;
const LAZY_SRC2 = State.lazySrc2 >> 2;

type HelperFunction = (cpu: Cpu, ...args: number[]) => number;

export class ImmediateBuilder implements Builder<number> {
  private readonly i32: Int32Array;
  /** EIP of the instruction being executed (its first byte). */
  currentEip = 0;
  /** Length of the instruction being executed. */
  private currentLength = 0;
  /** 16-bit code segment: EIP arithmetic wraps at 64 KiB. */
  private code16 = false;
  private stack16 = false;
  private protectedModeActive = false;
  private eaInstruction: Instruction | null = null;
  private eaValue = 0;
  /** Set by `jump` and by block-ending helpers: control left the straight line. */
  transferred = false;

  constructor(private readonly cpu: Cpu) {
    this.i32 = cpu.i32;
  }

  /** Called by the run loop before each instruction. */
  begin(i: Instruction, eip: number, code16: boolean, stack16: boolean, protectedMode: boolean): void {
    this.currentEip = eip;
    this.currentLength = i.length;
    this.code16 = code16;
    this.stack16 = stack16;
    this.protectedModeActive = protectedMode;
    this.eaInstruction = null;
    this.transferred = false;
    const next = eip + i.length;
    this.i32[EIP] = code16 ? next & 0xffff : next;
  }

  // ---- values and arithmetic ----
  constant(n: number): number { return n | 0; }
  add(a: number, b: number): number { return (a + b) | 0; }
  sub(a: number, b: number): number { return (a - b) | 0; }
  mul(a: number, b: number): number { return Math.imul(a, b); }
  and(a: number, b: number): number { return a & b; }
  or(a: number, b: number): number { return a | b; }
  xor(a: number, b: number): number { return a ^ b; }
  not(a: number): number { return ~a; }
  shl(a: number, count: number): number { return a << count; }
  shr(a: number, count: number): number { return (a >>> count) | 0; }
  sar(a: number, count: number): number { return a >> count; }
  rotl(a: number, count: number): number { const c = count & 31; return c === 0 ? a | 0 : (a << c) | (a >>> (32 - c)); }
  rotr(a: number, count: number): number { const c = count & 31; return c === 0 ? a | 0 : (a >>> c) | (a << (32 - c)); }
  clz(a: number): number { return Math.clz32(a); }
  ctz(a: number): number { return a === 0 ? 32 : 31 - Math.clz32(a & -a); }
  popcnt(a: number): number {
    let v = a - ((a >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  remU(a: number, b: number): number { return ((a >>> 0) % (b >>> 0)) | 0; }
  eq(a: number, b: number): number { return (a | 0) === (b | 0) ? 1 : 0; }
  ne(a: number, b: number): number { return (a | 0) !== (b | 0) ? 1 : 0; }
  ltU(a: number, b: number): number { return a >>> 0 < b >>> 0 ? 1 : 0; }
  leU(a: number, b: number): number { return a >>> 0 <= b >>> 0 ? 1 : 0; }
  ltS(a: number, b: number): number { return (a | 0) < (b | 0) ? 1 : 0; }
  leS(a: number, b: number): number { return (a | 0) <= (b | 0) ? 1 : 0; }
  eqz(a: number): number { return a === 0 ? 1 : 0; }
  select(c: number, a: number, b: number): number { return c !== 0 ? a : b; }
  zext(size: Size, a: number): number { return size === 32 ? a | 0 : size === 16 ? a & 0xffff : a & 0xff; }
  sext(size: Size, a: number): number { return size === 32 ? a | 0 : size === 16 ? (a << 16) >> 16 : (a << 24) >> 24; }

  mulWide(a: number, b: number, signed: boolean): [number, number] {
    const low = Math.imul(a, b);
    // High word of the unsigned 32x32 product from 16-bit halves: every partial sum stays below 2^53.
    const ua = a >>> 0, ub = b >>> 0;
    const aLow = ua & 0xffff, aHigh = ua >>> 16, bLow = ub & 0xffff, bHigh = ub >>> 16;
    const middle = aHigh * bLow + aLow * bHigh;
    const carry = Math.floor((aLow * bLow + (middle % 65536) * 65536) / 4294967296);
    let high = (aHigh * bHigh + Math.floor(middle / 65536) + carry) | 0;
    // Signed high word: subtract the other operand for each negative one (two's complement identity).
    if (signed) {
      if ((a | 0) < 0) high = (high - b) | 0;
      if ((b | 0) < 0) high = (high - a) | 0;
    }
    return [low, high];
  }

  divWide(hi: number, lo: number, divisor: number, size: Size, signed: boolean): [number, number] {
    if ((divisor | 0) === 0) throw new CpuFault(Vector.DE);
    const mask = size === 32 ? 0xffffffffn : size === 16 ? 0xffffn : 0xffn;
    let dividend: bigint;
    let d: bigint;
    if (signed) {
      dividend = (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);
      d = BigInt(this.sext(size, divisor));
    } else {
      dividend = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      d = BigInt(divisor >>> 0) & mask;
    }
    const q = dividend / d; // BigInt division truncates toward zero, as IDIV does
    const r = dividend - q * d;
    if (signed) {
      const half = 1n << BigInt(size - 1);
      if (q >= half || q < -half) throw new CpuFault(Vector.DE);
    } else if (q > mask) {
      throw new CpuFault(Vector.DE);
    }
    return [Number(BigInt.asIntN(32, q & mask)), Number(BigInt.asIntN(32, r & mask))];
  }

  // ---- mode facts ----
  stackSize(): 16 | 32 { return this.stack16 ? 16 : 32; }
  protectedMode(): boolean { return this.protectedModeActive; }

  // ---- registers ----
  getReg(size: Size, n: number): number {
    if (size === 32) return this.i32[n]!;
    if (size === 16) return this.i32[n]! & 0xffff;
    return n < 4 ? this.i32[n]! & 0xff : (this.i32[n - 4]! >>> 8) & 0xff;
  }
  setReg(size: Size, n: number, value: number): void {
    const i32 = this.i32;
    if (size === 32) i32[n] = value;
    else if (size === 16) i32[n] = (i32[n]! & ~0xffff) | (value & 0xffff);
    else if (n < 4) i32[n] = (i32[n]! & ~0xff) | (value & 0xff);
    else i32[n - 4] = (i32[n - 4]! & ~0xff00) | ((value & 0xff) << 8);
  }
  instructionPointer(): number { return this.currentEip; }
  segmentSelector(seg: number): number { return this.i32[(State.segments >> 2) + seg * 4]! & 0xffff; }
  nextInstructionPointer(): number {
    const next = this.currentEip + this.currentLength;
    return this.code16 ? next & 0xffff : next | 0;
  }

  // ---- memory ----
  effectiveAddress(i: Instruction): number {
    if (this.eaInstruction === i) return this.eaValue;
    let ea = i.displacement;
    if (i.base >= 0) ea += this.i32[i.base]!;
    if (i.index >= 0) ea += this.i32[i.index]! << i.scale;
    ea = i.addressSize === 16 ? ea & 0xffff : ea | 0;
    this.eaInstruction = i;
    this.eaValue = ea;
    return ea;
  }
  load(size: Size, segment: number, offset: number, forWrite?: boolean): number {
    const linear = segmentLinear(this.cpu, segment, offset, size >> 3, forWrite === true);
    const mmu = this.cpu.mmu;
    if (forWrite) mmu.probeWrite(linear, size >> 3);
    return size === 32 ? mmu.read32(linear) : size === 16 ? mmu.read16(linear) : mmu.read8(linear);
  }
  store(size: Size, segment: number, offset: number, value: number): void {
    const linear = segmentLinear(this.cpu, segment, offset, size >> 3, true);
    const mmu = this.cpu.mmu;
    if (size === 32) mmu.write32(linear, value);
    else if (size === 16) mmu.write16(linear, value);
    else mmu.write8(linear, value);
  }
  probeWrite(segment: number, offset: number, bytes: number): void {
    const linear = segmentLinear(this.cpu, segment, offset, bytes, true);
    this.cpu.mmu.probeWrite(linear, bytes);
  }

  // ---- host ranges ----
  hostRange(segment: number, offset: number, bytes: number, write: boolean): number {
    const i32 = this.i32;
    const field = (State.segments + segment * SEGMENT_SIZE) >> 2;
    if ((i32[field + 3]! & FLAT_DATA_ACCESS.mask) !== FLAT_DATA_ACCESS.expected || i32[field + 1] !== 0 || i32[field + 2] !== -1) return -1;
    if (bytes < 1 || bytes > 0x1000 - (offset & 0xfff)) return -1;
    const entry = i32[(TLB_BASE >> 2) + (offset >>> 12)]!;
    const { mask, expected } = fastPathTest(write, i32[State.cpl >> 2] === 3);
    return (entry & mask) === expected ? (entry & ~TLB_FLAG_BITS) ^ offset : -1;
  }
  copyHost(destination: number, source: number, bytes: number): void {
    this.cpu.u8.copyWithin(destination, source, source + bytes);
  }
  fillHost(destination: number, value: number, bytes: number): void {
    this.cpu.u8.fill(value & 0xff, destination, destination + bytes);
  }
  scanHost(start: number, value: number, bytes: number): number {
    const found = bytes === 0 ? -1 : this.cpu.u8.subarray(start, start + bytes).indexOf(value & 0xff);
    return found < 0 ? bytes : found;
  }
  readHost8(at: number): number {
    return this.cpu.u8[at]!;
  }

  // ---- flags ----
  setFlags(op: FlagOp, size: Size, result: number, src1: number, src2: number, mask: number): void {
    const i32 = this.i32;
    const stale = i32[PENDING]! & ~mask;
    if (stale !== 0) this.materialize(stale);
    i32[PENDING] = mask;
    i32[LAZY_OP] = encodeLazyOp(op, size);
    i32[LAZY_RESULT] = result;
    i32[LAZY_SRC1] = src1;
    i32[LAZY_SRC2] = src2;
  }
  getFlag(flagBit: number): number {
    const i32 = this.i32;
    if ((i32[PENDING]! & flagBit) !== 0) {
      const word = i32[LAZY_OP]!;
      return flagFromRecord(this, word & 0xff, (word >> 8) as Size, i32[LAZY_RESULT]!, i32[LAZY_SRC1]!, i32[LAZY_SRC2]!, flagBit);
    }
    return (i32[EFLAGS]! & flagBit) !== 0 ? 1 : 0;
  }
  setFlagBits(mask: number, value: number): void {
    const i32 = this.i32;
    i32[PENDING] = i32[PENDING]! & ~mask;
    i32[EFLAGS] = (i32[EFLAGS]! & ~mask) | (value & mask) | EFLAGS_FIXED_ONE;
  }
  condition(cc: number): number {
    const i32 = this.i32;
    const pending = i32[PENDING]!;
    const needs = CONDITION_FLAGS[cc >> 1]!;
    if ((pending & needs) === needs) {
      const word = i32[LAZY_OP]!;
      const value = conditionFromRecord(this, cc, word & 0xff, (word >> 8) as Size, i32[LAZY_RESULT]!, i32[LAZY_SRC1]!, i32[LAZY_SRC2]!, pending);
      if (value !== undefined) return value;
    }
    return conditionFromFlags(this, cc, (bit) => this.getFlag(bit));
  }
  getEflags(): number {
    this.materialize(this.i32[PENDING]!);
    return this.i32[EFLAGS]! | EFLAGS_FIXED_ONE;
  }
  /** Compute the pending flags in `mask` into EFLAGS and mark them exact. */
  materialize(mask: number): void {
    const i32 = this.i32;
    const bits = mask & i32[PENDING]! & ARITHMETIC_FLAGS;
    if (bits === 0) return;
    const word = i32[LAZY_OP]!;
    const value = flagsFromRecord(this, word & 0xff, (word >> 8) as Size, i32[LAZY_RESULT]!, i32[LAZY_SRC1]!, i32[LAZY_SRC2]!, bits);
    i32[EFLAGS] = (i32[EFLAGS]! & ~bits) | value;
    i32[PENDING] = i32[PENDING]! & ~bits;
  }

  // ---- control ----
  jump(target: number): void {
    this.i32[EIP] = target;
    this.transferred = true;
  }
  branch(cond: number, target: number): void {
    if (cond !== 0) this.jump(target);
  }
  ifThen(cond: number, then: () => void): void {
    if (cond !== 0) then();
  }
  ifElse(cond: number, then: () => number, otherwise: () => number): number {
    return cond !== 0 ? then() : otherwise();
  }
  raise(vector: number, errorCode?: number): void {
    throw new CpuFault(vector, errorCode ?? -1);
  }
  helper(name: HelperName, ...args: number[]): number {
    // Looked up at call time: the helper modules import this one (an import cycle at load time).
    const fn = (HELPER_IMPLEMENTATIONS as Record<string, HelperFunction | undefined>)[name];
    if (fn === undefined) throw new CpuFault(Vector.UD);
    if ((HELPERS[name] as HelperInfo).endsBlock) this.transferred = true;
    return fn(this.cpu, ...args) | 0;
  }
}

