/**
 * Bit instructions (SDM Vol.2 BT, BTS, BTR, BTC, BSF, BSR, BSWAP). With a memory operand and a register
 * bit offset, the offset is signed and may address outside the operand: the access moves by
 * (offset >> 5) dwords (or >> 4 words) from the effective address.
 */
import type { Builder, Semantic, Size } from "./builder.js";
import { Flag } from "./flags.js";
import { operandSize, readOperand, readOperandForUpdate, writeOperand } from "./operands.js";
import { OperandKind, type Instruction } from "../isa/types.js";

type BitUpdate = <V>(b: Builder<V>, value: V, mask: V) => V | undefined;

function bitTest(update: BitUpdate): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const size = operandSize(i, 0);
    const updates = i.mnemonic !== "BT";
    const offsetOperand = i.operands[1]!;
    const offset = readOperand(b, i, 1);
    const bit = b.and(offset, b.constant(size - 1));
    const mask = b.shl(b.constant(1), bit);
    let value: V;
    let store: ((v: V) => void) | undefined;
    if (i.operands[0]!.kind === OperandKind.Mem && offsetOperand.kind === OperandKind.Reg) {
      const signed = size === 16 ? b.sext(16, offset) : offset;
      const step = b.shl(b.sar(signed, b.constant(size === 16 ? 4 : 5)), b.constant(size === 16 ? 1 : 2));
      let address = b.add(b.effectiveAddress(i), step);
      if (i.addressSize === 16) address = b.zext(16, address);
      value = b.load(size as Size, i.segment, address, updates);
      store = (v) => b.store(size as Size, i.segment, address, v);
    } else {
      value = updates ? readOperandForUpdate(b, i, 0) : readOperand(b, i, 0);
      store = (v) => writeOperand(b, i, 0, v);
    }
    const carry = b.and(b.shr(value, bit), b.constant(1));
    const updated = update(b, value, mask);
    if (updated !== undefined) store(b.zext(size, updated));
    b.setFlagBits(Flag.CF, carry);
  };
}

function bitScan(forward: boolean): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const size = operandSize(i, 0);
    const source = b.zext(size, readOperand(b, i, 1));
    const zero = b.eqz(source);
    // Source zero: ZF = 1 and the destination is left unchanged (as Intel processors do).
    b.ifThen(b.eqz(zero), () => {
      const index = forward ? b.ctz(source) : b.sub(b.constant(31), b.clz(source));
      writeOperand(b, i, 0, index);
    });
    b.setFlagBits(Flag.ZF, b.shl(zero, b.constant(6)));
  };
}

export const bitSemantics = {
  BT: bitTest(() => undefined),
  BTS: bitTest((b, value, mask) => b.or(value, mask)),
  BTR: bitTest((b, value, mask) => b.and(value, b.not(mask))),
  BTC: bitTest((b, value, mask) => b.xor(value, mask)),
  BSF: bitScan(true),
  BSR: bitScan(false),
  BSWAP: (b, i) => {
    const op = i.operands[0]!;
    if (op.size === 16) {
      // BSWAP of a 16-bit register is undefined; Intel processors clear the low word.
      b.setReg(16, op.reg, b.constant(0));
      return;
    }
    const x = b.getReg(32, op.reg);
    const swapped = b.or(
      b.or(b.shl(x, b.constant(24)), b.and(b.shl(x, b.constant(8)), b.constant(0xff0000))),
      b.or(b.and(b.shr(x, b.constant(8)), b.constant(0xff00)), b.shr(x, b.constant(24))),
    );
    b.setReg(32, op.reg, swapped);
  },
} satisfies Record<string, Semantic>;
