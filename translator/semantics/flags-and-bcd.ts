/**
 * Flag instructions (LAHF SAHF CLC STC CMC CLD STD SALC) and decimal arithmetic (DAA DAS AAA AAS AAM
 * AAD), following the SDM Vol.2 pseudo-code of each.
 */
import type { Builder, Semantic } from "./builder.js";
import { Flag, FlagOp } from "./flags.js";
import type { Instruction } from "../isa/types.js";
import { Reg } from "../../runtime/state/layout.js";

const SZP = Flag.SF | Flag.ZF | Flag.PF;
const AH = 4;

function bool<V>(b: Builder<V>, v: V, bit: number): V {
  return b.shl(v, b.constant(31 - Math.clz32(bit)));
}

/** DAA / DAS (SDM Vol.2 DAA, DAS). */
function decimalAdjust(subtract: boolean): Semantic {
  return <V>(b: Builder<V>, _i: Instruction) => {
    const oldAl = b.getReg(8, 0);
    const oldCarry = b.getFlag(Flag.CF);
    const lowAdjust = b.or(b.ltU(b.constant(9), b.and(oldAl, b.constant(0xf))), b.getFlag(Flag.AF));
    const afterLow = b.select(lowAdjust, b.zext(8, subtract ? b.sub(oldAl, b.constant(6)) : b.add(oldAl, b.constant(6))), oldAl);
    // DAS keeps the borrow of the low adjustment in CF; DAA's second step overrides it.
    const lowBorrow = subtract ? b.and(lowAdjust, b.ltU(oldAl, b.constant(6))) : b.constant(0);
    const highAdjust = b.or(b.ltU(b.constant(0x99), oldAl), oldCarry);
    const al = b.select(highAdjust, b.zext(8, subtract ? b.sub(afterLow, b.constant(0x60)) : b.add(afterLow, b.constant(0x60))), afterLow);
    const carry = b.or(highAdjust, b.and(lowBorrow, b.constant(1)));
    b.setReg(8, 0, al);
    b.setFlags(FlagOp.Logic, 8, al, al, al, SZP | Flag.OF);
    b.setFlagBits(Flag.AF | Flag.CF, b.or(bool(b, lowAdjust, Flag.AF), carry));
  };
}

/** AAA / AAS (SDM Vol.2). */
function asciiAdjust(subtract: boolean): Semantic {
  return <V>(b: Builder<V>, _i: Instruction) => {
    const ax = b.getReg(16, Reg.EAX);
    const adjust = b.or(b.ltU(b.constant(9), b.and(ax, b.constant(0xf))), b.getFlag(Flag.AF));
    const adjusted = subtract
      ? b.sub(b.sub(ax, b.constant(6)), b.constant(0x100))
      : b.add(ax, b.constant(0x106));
    const result = b.select(adjust, adjusted, ax);
    b.setReg(16, Reg.EAX, b.and(result, b.constant(0xff0f)));
    b.setFlagBits(Flag.AF | Flag.CF, b.or(bool(b, adjust, Flag.AF), adjust));
  };
}

export const flagAndDecimalSemantics = {
  LAHF: (b) => b.setReg(8, AH, b.and(b.getEflags(), b.constant(0xd7))),
  SAHF: (b) => b.setFlagBits(Flag.SF | Flag.ZF | Flag.AF | Flag.PF | Flag.CF, b.getReg(8, AH)),
  CLC: (b) => b.setFlagBits(Flag.CF, b.constant(0)),
  STC: (b) => b.setFlagBits(Flag.CF, b.constant(Flag.CF)),
  CMC: (b) => b.setFlagBits(Flag.CF, b.xor(b.getFlag(Flag.CF), b.constant(1))),
  CLD: (b) => b.setFlagBits(Flag.DF, b.constant(0)),
  STD: (b) => b.setFlagBits(Flag.DF, b.constant(Flag.DF)),
  SALC: (b) => b.setReg(8, 0, b.select(b.getFlag(Flag.CF), b.constant(0xff), b.constant(0))),
  DAA: decimalAdjust(false),
  DAS: decimalAdjust(true),
  AAA: asciiAdjust(false),
  AAS: asciiAdjust(true),
  AAM: (b, i) => {
    const base = i.immediate & 0xff;
    const al = b.getReg(8, 0);
    // AAM 0 divides by zero: #DE (SDM Vol.2 AAM).
    const [quotient, remainder] = b.divWide(b.constant(0), al, b.constant(base), 8, false);
    b.setReg(16, Reg.EAX, b.or(b.shl(quotient, b.constant(8)), remainder));
    b.setFlags(FlagOp.Logic, 8, remainder, remainder, remainder, SZP | Flag.OF | Flag.AF | Flag.CF);
  },
  AAD: (b, i) => {
    const base = i.immediate & 0xff;
    const low = b.getReg(8, 0);
    const product = b.zext(8, b.mul(b.getReg(8, AH), b.constant(base)));
    const al = b.zext(8, b.add(low, product));
    b.setReg(16, Reg.EAX, al);
    // OF, AF and CF are undefined; processors leave those of the byte addition AL + AH*imm8.
    b.setFlags(FlagOp.Add, 8, al, low, product, SZP | Flag.OF | Flag.AF | Flag.CF);
  },
} satisfies Record<string, Semantic>;
