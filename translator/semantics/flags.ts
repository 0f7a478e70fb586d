/**
 * Lazy arithmetic flags, written once against the Builder.
 *
 * An arithmetic instruction records (operation, size, result, src1, src2) and the set of flags it
 * defines; a flag is computed only when read. The formulas below are the single description of how
 * each flag follows from such a record. The interpreter evaluates them on numbers when a flag is read;
 * the translator emits them inline where its liveness pass finds a reader, and fuses compare+branch
 * through `conditionFromRecord`.
 */
import type { Builder, Size } from "./builder.js";

export const Flag = {
  CF: 0x0001,
  PF: 0x0004,
  AF: 0x0010,
  ZF: 0x0040,
  SF: 0x0080,
  TF: 0x0100,
  IF: 0x0200,
  DF: 0x0400,
  OF: 0x0800,
  IOPL: 0x3000,
  NT: 0x4000,
  RF: 0x10000,
  VM: 0x20000,
  AC: 0x40000,
  VIF: 0x80000,
  VIP: 0x100000,
  ID: 0x200000,
} as const;

/** The six arithmetic flags. */
export const ARITHMETIC_FLAGS = 0x8d5;
/** Bit 1 of EFLAGS always reads as 1. */
export const EFLAGS_FIXED_ONE = 0x2;

/** Parse flag letters ("OSZAPC", "DIT") into an EFLAGS mask. */
export function flagMask(letters: string | undefined): number {
  let mask = 0;
  for (const c of letters ?? "") {
    switch (c) {
      case "O": mask |= Flag.OF; break;
      case "S": mask |= Flag.SF; break;
      case "Z": mask |= Flag.ZF; break;
      case "A": mask |= Flag.AF; break;
      case "P": mask |= Flag.PF; break;
      case "C": mask |= Flag.CF; break;
      case "D": mask |= Flag.DF; break;
      case "I": mask |= Flag.IF; break;
      case "T": mask |= Flag.TF; break;
      default: throw new Error(`unknown flag letter ${c}`);
    }
  }
  return mask;
}

/**
 * How the recorded operation defines the flags. ADC shares Add: the carry out of the top bit follows
 * from the operands and the result alone, whatever the carry in was. SBB's flags follow Sub's
 * formulas too, but it has its own op: with a borrow in, src1 - src2 is not the comparison of the
 * operands that conditionFromRecord reads from a Sub record (SBB EAX,EAX with CF=1 gives -1 and
 * "less", although the operands are equal).
 */
export const enum FlagOp {
  /** ADD ADC INC XADD: src1 + src2 (+ carry) = result. */
  Add = 0,
  /** SUB SBB CMP DEC NEG CMPXCHG SCAS CMPS: src1 - src2 (- borrow) = result. */
  Sub = 1,
  /** AND OR XOR TEST and result-only flags: CF = OF = AF = 0, S Z P from result. */
  Logic = 2,
  /** SHL/SAL: src1 = value shifted, src2 = count (1..31), result. */
  Shl = 3,
  /** SHR. */
  Shr = 4,
  /** SAR. */
  Sar = 5,
  /** MUL/IMUL: CF = OF = (src1 != 0) (src1 is the overflow indicator), S Z P from result, AF = 0. */
  Multiply = 6,
  /** SBB: src1 - src2 - borrow = result; flags as Sub, no operand comparison. */
  SubWithBorrow = 7,
}

/** Number of FlagOp values (for tables indexed by op). */
export const FLAG_OP_COUNT = 8;

function signBit<V>(b: Builder<V>, size: Size, v: V): V {
  return b.and(b.shr(v, b.constant(size - 1)), b.constant(1));
}

function parityEven<V>(b: Builder<V>, result: V): V {
  return b.eqz(b.and(b.popcnt(b.and(result, b.constant(0xff))), b.constant(1)));
}

/**
 * One flag (a single EFLAGS bit) of a lazy record, as 0/1. `op` and `size` are static here: the
 * interpreter passes the numbers it read from the state, the translator the ones it knows at compile time.
 */
export function flagFromRecord<V>(
  b: Builder<V>,
  op: FlagOp,
  size: Size,
  result: V,
  src1: V,
  src2: V,
  flagBit: number,
): V {
  if (op === FlagOp.SubWithBorrow) op = FlagOp.Sub;
  switch (flagBit) {
    case Flag.ZF:
      return b.eqz(b.zext(size, result));
    case Flag.SF:
      return signBit(b, size, result);
    case Flag.PF:
      return parityEven(b, result);
    case Flag.AF:
      if (op === FlagOp.Add || op === FlagOp.Sub) {
        return b.and(b.shr(b.xor(b.xor(src1, src2), result), b.constant(4)), b.constant(1));
      }
      return b.constant(0);
    case Flag.CF:
      switch (op) {
        case FlagOp.Add:
          // carry out of the top bit: (a & b) | ((a | b) & ~r)
          return signBit(b, size, b.or(b.and(src1, src2), b.and(b.or(src1, src2), b.not(result))));
        case FlagOp.Sub:
          // borrow out of the top bit: (~a & b) | ((~a | b) & r)
          return signBit(
            b,
            size,
            b.or(b.and(b.not(src1), src2), b.and(b.or(b.not(src1), src2), result)),
          );
        case FlagOp.Logic:
          return b.constant(0);
        case FlagOp.Shl:
          // last bit shifted out: bit (size - count) of src1
          return signBit(b, size, b.shl(src1, b.sub(src2, b.constant(1))));
        case FlagOp.Shr:
          return b.and(b.shr(src1, b.sub(src2, b.constant(1))), b.constant(1));
        case FlagOp.Sar:
          return b.and(b.sar(b.sext(size, src1), b.sub(src2, b.constant(1))), b.constant(1));
        case FlagOp.Multiply:
          return b.ne(src1, b.constant(0));
      }
      break;
    case Flag.OF:
      switch (op) {
        case FlagOp.Add:
          return signBit(b, size, b.and(b.xor(src1, result), b.xor(src2, result)));
        case FlagOp.Sub:
          return signBit(b, size, b.and(b.xor(src1, src2), b.xor(src1, result)));
        case FlagOp.Logic:
          return b.constant(0);
        case FlagOp.Shl:
          // SDM: OF = MSB(result) XOR CF (defined for 1-bit shifts)
          return b.xor(
            signBit(b, size, result),
            flagFromRecord(b, op, size, result, src1, src2, Flag.CF),
          );
        case FlagOp.Shr:
          // SDM: OF = MSB of the original operand (defined for 1-bit shifts)
          return signBit(b, size, src1);
        case FlagOp.Sar:
          return b.constant(0);
        case FlagOp.Multiply:
          return b.ne(src1, b.constant(0));
      }
      break;
  }
  throw new Error(`flagFromRecord: not an arithmetic flag: ${flagBit}`);
}

/** The arithmetic flags in `mask` of a lazy record, assembled into their EFLAGS bit positions. */
export function flagsFromRecord<V>(
  b: Builder<V>,
  op: FlagOp,
  size: Size,
  result: V,
  src1: V,
  src2: V,
  mask: number,
): V {
  let value: V | undefined;
  for (const bit of [Flag.CF, Flag.PF, Flag.AF, Flag.ZF, Flag.SF, Flag.OF]) {
    if ((mask & bit) === 0) continue;
    const one = flagFromRecord(b, op, size, result, src1, src2, bit);
    const placed = bit === 1 ? one : b.shl(one, b.constant(31 - Math.clz32(bit)));
    value = value === undefined ? placed : b.or(value, placed);
  }
  return value ?? b.constant(0);
}

/**
 * Evaluate condition code `cc` (0..15, the low nibble of Jcc/SETcc/CMOVcc) directly from a lazy
 * record whose flags are all pending. For a compare this is one wasm comparison (compare-and-branch
 * fusion); otherwise it falls back to the flag formulas. Returns undefined when `mask` does not cover
 * the flags the condition needs (the caller then reads EFLAGS).
 */
export function conditionFromRecord<V>(
  b: Builder<V>,
  cc: number,
  op: FlagOp,
  size: Size,
  result: V,
  src1: V,
  src2: V,
  mask: number,
): V | undefined {
  const needs = CONDITION_FLAGS[cc >> 1]!;
  if ((mask & needs) !== needs) return undefined;
  const negate = (cc & 1) !== 0;
  let value: V | undefined;
  if (op === FlagOp.Sub) {
    // src1 - src2 as a comparison of the operands (CMP a, b; Jcc)
    const a = src1;
    const c = src2;
    switch (cc >> 1) {
      case 1: value = b.ltU(b.zext(size, a), b.zext(size, c)); break; // B
      case 2: value = b.eqz(b.zext(size, result)); break; // E
      case 3: value = b.leU(b.zext(size, a), b.zext(size, c)); break; // BE
      case 6: value = b.ltS(b.sext(size, a), b.sext(size, c)); break; // L
      case 7: value = b.leS(b.sext(size, a), b.sext(size, c)); break; // LE
    }
  } else if (op === FlagOp.Logic) {
    switch (cc >> 1) {
      case 0: value = b.constant(0); break; // O
      case 1: value = b.constant(0); break; // B
      case 2: value = b.eqz(b.zext(size, result)); break; // E
      case 3: value = b.eqz(b.zext(size, result)); break; // BE: CF=0, so ZF
      case 4: value = signBit(b, size, result); break; // S
      case 6: value = signBit(b, size, result); break; // L: SF != OF, OF = 0
      case 7: value = b.or(b.eqz(b.zext(size, result)), signBit(b, size, result)); break; // LE
    }
  }
  if (value === undefined) {
    const flag = (bit: number) => flagFromRecord(b, op, size, result, src1, src2, bit);
    value = conditionFromFlags(b, cc & ~1, flag);
  }
  return negate ? b.xor(value, b.constant(1)) : value;
}

/** Which flags each condition pair (cc >> 1) reads. */
export const CONDITION_FLAGS: readonly number[] = [
  Flag.OF, // O / NO
  Flag.CF, // B / AE
  Flag.ZF, // E / NE
  Flag.CF | Flag.ZF, // BE / A
  Flag.SF, // S / NS
  Flag.PF, // P / NP
  Flag.SF | Flag.OF, // L / GE
  Flag.ZF | Flag.SF | Flag.OF, // LE / G
];

/** Condition `cc` from a flag reader (each call returns one flag as 0/1). */
export function conditionFromFlags<V>(b: Builder<V>, cc: number, flag: (bit: number) => V): V {
  let value: V;
  switch (cc >> 1) {
    case 0: value = flag(Flag.OF); break;
    case 1: value = flag(Flag.CF); break;
    case 2: value = flag(Flag.ZF); break;
    case 3: value = b.or(flag(Flag.CF), flag(Flag.ZF)); break;
    case 4: value = flag(Flag.SF); break;
    case 5: value = flag(Flag.PF); break;
    case 6: value = b.xor(flag(Flag.SF), flag(Flag.OF)); break;
    default: value = b.or(flag(Flag.ZF), b.xor(flag(Flag.SF), flag(Flag.OF))); break;
  }
  return (cc & 1) !== 0 ? b.xor(value, b.constant(1)) : value;
}

/** Lazy-op word in the state: op in the low byte, size in the next. */
export function encodeLazyOp(op: FlagOp, size: Size): number {
  return op | (size << 8);
}
