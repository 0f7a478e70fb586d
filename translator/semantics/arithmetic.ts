/**
 * Integer arithmetic and logic (SDM Vol.1 7.3.2-7.3.3; Vol.2 ADD…XOR, INC, DEC, NEG, NOT, CMPXCHG,
 * CMPXCHG8B, XADD). Flags are recorded lazily after the destination is written.
 */
import type { Builder, Semantic, Size } from "./builder.js";
import { Flag, FlagOp } from "./flags.js";
import { operandSize, readOperand, readOperandForUpdate, writeOperand } from "./operands.js";
import { OperandKind, type Instruction } from "../isa/types.js";
import { Reg } from "../../runtime/state/layout.js";

const ALL = Flag.OF | Flag.SF | Flag.ZF | Flag.AF | Flag.PF | Flag.CF;
const ALL_BUT_CARRY = ALL & ~Flag.CF;

type Binary = <V>(b: Builder<V>, x: V, y: V, size: Size) => V;

function binary(compute: Binary, op: FlagOp, write: boolean, useCarry = false): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const size = operandSize(i, 0);
    const x = write ? readOperandForUpdate(b, i, 0) : readOperand(b, i, 0);
    const y = b.zext(size, readOperand(b, i, 1));
    const carry = useCarry ? b.getFlag(Flag.CF) : undefined;
    let result = compute(b, x, y, size);
    if (carry !== undefined) result = op === FlagOp.Add ? b.add(result, carry) : b.sub(result, carry);
    result = b.zext(size, result);
    if (write) writeOperand(b, i, 0, result);
    b.setFlags(op, size, result, x, y, ALL);
  };
}

function logic(compute: Binary, write: boolean): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const size = operandSize(i, 0);
    const x = write ? readOperandForUpdate(b, i, 0) : readOperand(b, i, 0);
    const y = readOperand(b, i, 1);
    const result = b.zext(size, compute(b, x, y, size));
    if (write) writeOperand(b, i, 0, result);
    b.setFlags(FlagOp.Logic, size, result, x, y, ALL);
  };
}

const add: Binary = (b, x, y) => b.add(x, y);
const sub: Binary = (b, x, y) => b.sub(x, y);

function incDec(op: FlagOp): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const size = operandSize(i, 0);
    const x = readOperandForUpdate(b, i, 0);
    const one = b.constant(1);
    const result = b.zext(size, op === FlagOp.Add ? b.add(x, one) : b.sub(x, one));
    writeOperand(b, i, 0, result);
    // INC/DEC leave CF unchanged (SDM Vol.2 INC).
    b.setFlags(op, size, result, x, one, ALL_BUT_CARRY);
  };
}

/** CMPXCHG8B m64: compare EDX:EAX with m64; both halves are written either way (SDM Vol.2). */
function compareExchange8Bytes<V>(b: Builder<V>, i: Instruction): void {
  const address = b.effectiveAddress(i);
  const highAddress = i.addressSize === 16 ? b.zext(16, b.add(address, b.constant(4))) : b.add(address, b.constant(4));
  b.probeWrite(i.segment, address, 8);
  const low = b.load(32, i.segment, address);
  const high = b.load(32, i.segment, highAddress);
  const equal = b.and(b.eq(low, b.getReg(32, Reg.EAX)), b.eq(high, b.getReg(32, Reg.EDX)));
  b.store(32, i.segment, address, b.select(equal, b.getReg(32, Reg.EBX), low));
  b.store(32, i.segment, highAddress, b.select(equal, b.getReg(32, Reg.ECX), high));
  b.ifThen(b.eqz(equal), () => {
    b.setReg(32, Reg.EAX, low);
    b.setReg(32, Reg.EDX, high);
  });
  b.setFlagBits(Flag.ZF, b.shl(equal, b.constant(6)));
}

export const arithmeticSemantics = {
  ADD: binary(add, FlagOp.Add, true),
  ADC: binary(add, FlagOp.Add, true, true),
  SUB: binary(sub, FlagOp.Sub, true),
  SBB: binary(sub, FlagOp.SubWithBorrow, true, true),
  CMP: binary(sub, FlagOp.Sub, false),
  AND: logic((b, x, y) => b.and(x, y), true),
  OR: logic((b, x, y) => b.or(x, y), true),
  XOR: logic((b, x, y) => b.xor(x, y), true),
  TEST: logic((b, x, y) => b.and(x, y), false),
  INC: incDec(FlagOp.Add),
  DEC: incDec(FlagOp.Sub),

  NOT: (b, i) => {
    const size = operandSize(i, 0);
    writeOperand(b, i, 0, b.zext(size, b.not(readOperandForUpdate(b, i, 0))));
  },

  NEG: (b, i) => {
    const size = operandSize(i, 0);
    const x = readOperandForUpdate(b, i, 0);
    const zero = b.constant(0);
    const result = b.zext(size, b.sub(zero, x));
    writeOperand(b, i, 0, result);
    b.setFlags(FlagOp.Sub, size, result, zero, x, ALL);
  },

  XADD: (b, i) => {
    const size = operandSize(i, 0);
    const destination = readOperandForUpdate(b, i, 0);
    const source = readOperand(b, i, 1);
    const sum = b.zext(size, b.add(destination, source));
    // The memory destination is written first; then the source register gets the old value.
    writeOperand(b, i, 0, sum);
    if (i.operands[0]!.kind !== OperandKind.Reg || i.operands[0]!.reg !== i.operands[1]!.reg) {
      writeOperand(b, i, 1, destination);
    }
    b.setFlags(FlagOp.Add, size, sum, destination, source, ALL);
  },

  CMPXCHG: (b, i) => {
    const size = operandSize(i, 0);
    const destination = readOperandForUpdate(b, i, 0);
    const accumulator = b.getReg(size, Reg.EAX);
    const equal = b.eq(accumulator, destination);
    // The destination is always written (with itself on failure), so a read-only page faults either
    // way (SDM Vol.2 CMPXCHG); the accumulator is loaded only on failure.
    if (i.operands[0]!.kind === OperandKind.Mem) {
      writeOperand(b, i, 0, b.select(equal, readOperand(b, i, 1), destination));
      b.ifThen(b.eqz(equal), () => b.setReg(size, Reg.EAX, destination));
    } else {
      b.ifElse(
        equal,
        () => {
          writeOperand(b, i, 0, readOperand(b, i, 1));
          return b.constant(0);
        },
        () => {
          b.setReg(size, Reg.EAX, destination);
          return b.constant(0);
        },
      );
    }
    b.setFlags(FlagOp.Sub, size, b.zext(size, b.sub(accumulator, destination)), accumulator, destination, ALL);
  },

  CMPXCHG8B: compareExchange8Bytes,
} satisfies Record<string, Semantic>;

