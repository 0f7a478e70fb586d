/**
 * MUL, IMUL (one-, two- and three-operand forms), DIV, IDIV (SDM Vol.2). CF = OF = 1 when the upper
 * half of the product is significant; SF ZF AF PF are undefined. Division faults #DE on a zero divisor
 * or a quotient that does not fit (Builder.divWide).
 */
import type { Builder, Semantic, Size } from "./builder.js";
import { Flag, FlagOp } from "./flags.js";
import { operandSize, readOperand, writeOperand } from "./operands.js";
import type { Instruction } from "../isa/types.js";
import { Reg } from "../../runtime/state/layout.js";

const ALL = Flag.OF | Flag.SF | Flag.ZF | Flag.AF | Flag.PF | Flag.CF;

/** Product of two `size`-bit values as [low (size bits), high (size bits)]. */
function product<V>(b: Builder<V>, size: Size, x: V, y: V, signed: boolean): [V, V] {
  if (size === 32) return b.mulWide(x, y, signed);
  const full = signed ? b.mul(b.sext(size, x), b.sext(size, y)) : b.mul(x, y);
  return [b.zext(size, full), b.zext(size, b.shr(full, b.constant(size)))];
}

function multiplyAccumulator(signed: boolean): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const size = operandSize(i, 0);
    const source = readOperand(b, i, 0);
    const [low, high] = product(b, size, b.getReg(size, Reg.EAX), source, signed);
    const significant = signed ? b.ne(high, b.zext(size, b.sar(b.sext(size, low), b.constant(31)))) : b.ne(high, b.constant(0));
    if (size === 8) {
      b.setReg(16, Reg.EAX, b.or(low, b.shl(high, b.constant(8))));
    } else {
      b.setReg(size, Reg.EAX, low);
      b.setReg(size, Reg.EDX, high);
    }
    b.setFlags(FlagOp.Multiply, size, low, significant, b.constant(0), ALL);
  };
}

function imul<V>(b: Builder<V>, i: Instruction): void {
  if (i.operands.length === 1) {
    multiplyAccumulator(true)(b, i);
    return;
  }
  const size = operandSize(i, 0);
  const x = i.operands.length === 3 ? readOperand(b, i, 1) : readOperand(b, i, 0);
  const y = i.operands.length === 3 ? readOperand(b, i, 2) : readOperand(b, i, 1);
  const [low, high] = product(b, size, x, y, true);
  const significant = b.ne(high, b.zext(size, b.sar(b.sext(size, low), b.constant(31))));
  writeOperand(b, i, 0, low);
  b.setFlags(FlagOp.Multiply, size, low, significant, b.constant(0), ALL);
}

function divide(signed: boolean): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const size = operandSize(i, 0);
    const divisor = readOperand(b, i, 0);
    let high: V;
    let low: V;
    if (size === 8) {
      low = signed ? b.sext(16, b.getReg(16, Reg.EAX)) : b.getReg(16, Reg.EAX);
      high = signed ? b.sar(low, b.constant(31)) : b.constant(0);
    } else if (size === 16) {
      low = b.or(b.shl(b.getReg(16, Reg.EDX), b.constant(16)), b.getReg(16, Reg.EAX));
      high = signed ? b.sar(low, b.constant(31)) : b.constant(0);
    } else {
      low = b.getReg(32, Reg.EAX);
      high = b.getReg(32, Reg.EDX);
    }
    const [quotient, remainder] = b.divWide(high, low, divisor, size, signed);
    if (size === 8) {
      b.setReg(16, Reg.EAX, b.or(b.zext(8, quotient), b.shl(b.zext(8, remainder), b.constant(8))));
    } else {
      b.setReg(size, Reg.EAX, quotient);
      b.setReg(size, Reg.EDX, remainder);
    }
  };
}

export const multiplySemantics = {
  MUL: multiplyAccumulator(false),
  IMUL: imul,
  DIV: divide(false),
  IDIV: divide(true),
} satisfies Record<string, Semantic>;
