/**
 * Shifts and rotates (SDM Vol.2 SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD, SHRD). The count is masked to
 * 5 bits; a masked count of zero changes nothing, not even the flags. Rotates through carry work
 * modulo size+1 (9 or 17 for byte and word operands).
 */
import type { Builder, Semantic, Size } from "./builder.js";
import { Flag, FlagOp } from "./flags.js";
import { operandSize, readOperand, readOperandForUpdate, writeOperand } from "./operands.js";
import { OperandKind, type Instruction } from "../isa/types.js";

const SZAP = Flag.SF | Flag.ZF | Flag.AF | Flag.PF;
const ALL = SZAP | Flag.OF | Flag.CF;

function msb<V>(b: Builder<V>, size: Size, v: V): V {
  return b.and(b.shr(v, b.constant(size - 1)), b.constant(1));
}

/** The masked count: static for immediates (so a zero count emits nothing), dynamic for CL. */
function maskedCount<V>(b: Builder<V>, i: Instruction, n: number): { value: V; constant: number | undefined } {
  const op = i.operands[n]!;
  if (op.kind === OperandKind.Imm) return { value: b.constant(op.value & 31), constant: op.value & 31 };
  return { value: b.and(readOperand(b, i, n), b.constant(31)), constant: undefined };
}

/** Run `body` when the masked count is non-zero. */
function whenCount<V>(b: Builder<V>, count: { value: V; constant: number | undefined }, body: () => void): void {
  if (count.constant === 0) return;
  if (count.constant !== undefined) body();
  else b.ifThen(b.ne(count.value, b.constant(0)), body);
}

function shift(op: FlagOp.Shl | FlagOp.Shr | FlagOp.Sar): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const size = operandSize(i, 0);
    const count = maskedCount(b, i, 1);
    const x = readOperandForUpdate(b, i, 0);
    whenCount(b, count, () => {
      const shifted =
        op === FlagOp.Shl ? b.shl(x, count.value) : op === FlagOp.Shr ? b.shr(x, count.value) : b.sar(b.sext(size, x), count.value);
      const result = b.zext(size, shifted);
      writeOperand(b, i, 0, result);
      b.setFlags(op, size, result, x, count.value, ALL);
    });
  };
}

function rotate(left: boolean): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const size = operandSize(i, 0);
    const count = maskedCount(b, i, 1);
    const x = readOperandForUpdate(b, i, 0);
    whenCount(b, count, () => {
      let result: V;
      if (size === 32) {
        result = left ? b.rotl(x, count.value) : b.rotr(x, count.value);
      } else {
        const c = b.and(count.value, b.constant(size - 1));
        const back = b.sub(b.constant(size), c);
        result = b.zext(size, left ? b.or(b.shl(x, c), b.shr(x, back)) : b.or(b.shr(x, c), b.shl(x, back)));
      }
      writeOperand(b, i, 0, result);
      // ROL: CF = LSB(result), OF = MSB(result) ^ CF. ROR: CF = MSB(result), OF = MSB ^ next bit.
      const carry = left ? b.and(result, b.constant(1)) : msb(b, size, result);
      const overflow = left ? b.xor(msb(b, size, result), carry) : b.xor(msb(b, size, result), b.and(b.shr(result, b.constant(size - 2)), b.constant(1)));
      b.setFlagBits(Flag.CF | Flag.OF, b.or(carry, b.shl(overflow, b.constant(11))));
    });
  };
}

function rotateThroughCarry(left: boolean): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const size = operandSize(i, 0);
    const masked = maskedCount(b, i, 1);
    const x = readOperandForUpdate(b, i, 0);
    // Effective count: modulo size + 1 for byte and word operands (SDM Vol.2 RCL).
    const c = size === 32 ? masked.value : b.remU(masked.value, b.constant(size + 1));
    const constant = masked.constant === undefined ? undefined : size === 32 ? masked.constant : masked.constant % (size + 1);
    const carryIn = b.getFlag(Flag.CF);
    whenCount(b, { value: c, constant }, () => {
      const sizeMinus = b.sub(b.constant(size), c); // 0 .. size-1
      let result: V;
      let carryOut: V;
      if (left) {
        // (CF:x) rotated left by c: x << c | CF << (c-1) | x >> (size + 1 - c)
        result = b.or(b.or(b.shl(x, c), b.shl(carryIn, b.sub(c, b.constant(1)))), b.shr(b.shr(x, sizeMinus), b.constant(1)));
        carryOut = b.and(b.shr(x, sizeMinus), b.constant(1));
      } else {
        result = b.or(b.or(b.shr(x, c), b.shl(carryIn, sizeMinus)), b.shl(b.shl(x, sizeMinus), b.constant(1)));
        carryOut = b.and(b.shr(x, b.sub(c, b.constant(1))), b.constant(1));
      }
      result = b.zext(size, result);
      writeOperand(b, i, 0, result);
      const overflow = left
        ? b.xor(msb(b, size, result), carryOut)
        : b.xor(msb(b, size, result), b.and(b.shr(result, b.constant(size - 2)), b.constant(1)));
      b.setFlagBits(Flag.CF | Flag.OF, b.or(carryOut, b.shl(overflow, b.constant(11))));
    });
  };
}

/** SHLD/SHRD: shift the destination, filling from the source register (SDM Vol.2 SHLD). */
function doubleShift(left: boolean): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const size = operandSize(i, 0);
    const count = maskedCount(b, i, 2);
    const destination = readOperandForUpdate(b, i, 0);
    const source = readOperand(b, i, 1);
    whenCount(b, count, () => {
      const c = count.value;
      let result: V;
      let carry: V;
      if (size === 32) {
        const back = b.sub(b.constant(32), c);
        result = left ? b.or(b.shl(destination, c), b.shr(b.shr(source, back), b.constant(0))) : b.or(b.shr(destination, c), b.shl(source, back));
        carry = left ? b.and(b.shr(destination, back), b.constant(1)) : b.and(b.shr(destination, b.sub(c, b.constant(1))), b.constant(1));
      } else {
        // 16-bit: shift the 48-bit concatenation destination:source:destination. Counts above 16
        // are undefined in the SDM; this is what Intel processors compute.
        const c16 = b.sub(c, b.constant(16));
        const big = b.ltU(b.constant(16), c);
        if (left) {
          const joined = b.or(b.shl(destination, b.constant(16)), source);
          const joinedLow = b.or(b.shl(source, b.constant(16)), destination);
          const small = b.shr(b.shl(joined, c), b.constant(16));
          const large = b.shr(b.shl(joinedLow, c16), b.constant(16));
          result = b.select(big, large, small);
          carry = b.select(
            big,
            b.and(b.shr(joinedLow, b.sub(b.constant(48), c)), b.constant(1)),
            b.and(b.shr(joined, b.sub(b.constant(32), c)), b.constant(1)),
          );
        } else {
          const joined = b.or(b.shl(source, b.constant(16)), destination);
          const joinedHigh = b.or(b.shl(destination, b.constant(16)), source);
          result = b.select(big, b.shr(joinedHigh, c16), b.shr(joined, c));
          carry = b.select(
            big,
            b.and(b.shr(joinedHigh, b.sub(c16, b.constant(1))), b.constant(1)),
            b.and(b.shr(joined, b.sub(c, b.constant(1))), b.constant(1)),
          );
        }
      }
      result = b.zext(size, result);
      writeOperand(b, i, 0, result);
      b.setFlags(FlagOp.Logic, size, result, destination, source, SZAP);
      const overflow = b.xor(msb(b, size, result), msb(b, size, destination));
      b.setFlagBits(Flag.CF | Flag.OF, b.or(carry, b.shl(overflow, b.constant(11))));
    });
  };
}

export const shiftSemantics = {
  SHL: shift(FlagOp.Shl),
  SHR: shift(FlagOp.Shr),
  SAR: shift(FlagOp.Sar),
  ROL: rotate(true),
  ROR: rotate(false),
  RCL: rotateThroughCarry(true),
  RCR: rotateThroughCarry(false),
  SHLD: doubleShift(true),
  SHRD: doubleShift(false),
} satisfies Record<string, Semantic>;
