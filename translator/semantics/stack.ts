/**
 * Stack instructions (SDM Vol.2 PUSH, POP, PUSHA, POPA, PUSHF, POPF, ENTER, LEAVE). The stack width
 * follows SS.B; every load and store happens before ESP moves, so a fault leaves ESP unchanged.
 */
import type { Builder, Semantic, Size } from "./builder.js";
import { Flag } from "./flags.js";
import { adjustStack, peek, pop, push, readOperand } from "./operands.js";
import { OperandKind, type Instruction } from "../isa/types.js";
import { Reg, Seg } from "../../runtime/state/layout.js";

const ESP = Reg.ESP;

function stackPointer<V>(b: Builder<V>): V {
  return b.stackSize() === 16 ? b.getReg(16, ESP) : b.getReg(32, ESP);
}

function stackOffset<V>(b: Builder<V>, offset: V): V {
  return b.stackSize() === 16 ? b.zext(16, offset) : offset;
}

function pushInstruction<V>(b: Builder<V>, i: Instruction): void {
  const size = i.operandSize as Size;
  const op = i.operands[0]!;
  if (op.kind === OperandKind.Seg) {
    // A segment register pushed with a 32-bit operand size moves ESP by 4 but writes only the low
    // 16 bits (SDM Vol.2 PUSH, P6 family and later).
    const selector = b.segmentSelector(op.reg);
    const newSp = b.sub(stackPointer(b), b.constant(size >> 3));
    b.store(16, Seg.SS, stackOffset(b, newSp), selector);
    b.setReg(b.stackSize(), ESP, newSp);
    return;
  }
  push(b, size, b.zext(size, readOperand(b, i, 0)));
}

function popInstruction<V>(b: Builder<V>, i: Instruction): void {
  const size = i.operandSize as Size;
  const op = i.operands[0]!;
  if (op.kind === OperandKind.Reg) {
    const value = pop(b, size);
    b.setReg(size, op.reg, value);
    return;
  }
  // POP r/m: the address is computed with ESP already incremented (SDM Vol.2 POP).
  const value = peek(b, size);
  let address = b.effectiveAddress(i);
  if (i.base === ESP && i.addressSize === 32) address = b.add(address, b.constant(size >> 3));
  b.store(size, i.segment, address, value);
  adjustStack(b, size >> 3);
}

function pushAll<V>(b: Builder<V>, i: Instruction): void {
  const size = i.operandSize as Size;
  const width = size >> 3;
  const sp = stackPointer(b);
  b.probeWrite(Seg.SS, stackOffset(b, b.sub(sp, b.constant(8 * width))), 8 * width);
  for (let r = 0; r < 8; r++) {
    const value = r === ESP ? sp : b.getReg(size, r);
    b.store(size, Seg.SS, stackOffset(b, b.sub(sp, b.constant((r + 1) * width))), value);
  }
  b.setReg(b.stackSize(), ESP, b.sub(sp, b.constant(8 * width)));
}

function popAll<V>(b: Builder<V>, i: Instruction): void {
  const size = i.operandSize as Size;
  const width = size >> 3;
  const values: V[] = [];
  for (let r = 7; r >= 0; r--) values[r] = peek(b, size, (7 - r) * width);
  for (let r = 0; r < 8; r++) if (r !== ESP) b.setReg(size, r, values[r]!);
  adjustStack(b, 8 * width);
}

function pushFlags<V>(b: Builder<V>, i: Instruction): void {
  const size = i.operandSize as Size;
  // The image has VM and RF clear (SDM Vol.2 PUSHF).
  push(b, size, b.and(b.getEflags(), b.constant(size === 16 ? 0xffff : 0x00fcffff)));
}

function popFlags<V>(b: Builder<V>, i: Instruction): void {
  const size = i.operandSize as Size;
  const value = peek(b, size);
  adjustStack(b, size >> 3);
  b.helper("writeEflags", value, b.constant(size));
}

function enter<V>(b: Builder<V>, i: Instruction): void {
  const size = i.operandSize as Size;
  const width = size >> 3;
  const allocation = i.immediate & 0xffff;
  const level = i.immediate2 & 31;
  const stack = b.stackSize();
  const sp = stackPointer(b);
  const frame = b.sub(sp, b.constant(width));
  // Check the frame slots before the first write.
  b.probeWrite(Seg.SS, stackOffset(b, b.sub(sp, b.constant(width * (level + 1)))), width * (level + 1));
  b.store(size, Seg.SS, stackOffset(b, frame), b.getReg(size, Reg.EBP));
  let bp = stack === 16 ? b.getReg(16, Reg.EBP) : b.getReg(32, Reg.EBP);
  for (let n = 1; n < level; n++) {
    bp = b.sub(bp, b.constant(width));
    const value = b.load(size, Seg.SS, stackOffset(b, bp));
    b.store(size, Seg.SS, stackOffset(b, b.sub(frame, b.constant(n * width))), value);
  }
  if (level > 0) b.store(size, Seg.SS, stackOffset(b, b.sub(frame, b.constant(level * width))), frame);
  // Then the final ESP is checked for writing, AFTER the frame is written: the native vectors show the
  // hardware writing the whole frame and then faulting with CR2 = the new ESP, registers unchanged
  // (a deliberate exception to "stores after all checks"; re-executing ENTER rewrites the same frame).
  const finalSp = b.sub(frame, b.constant(level * width + allocation));
  if (allocation > 0) b.probeWrite(Seg.SS, stackOffset(b, finalSp), width);
  b.setReg(size, Reg.EBP, frame);
  b.setReg(stack, ESP, finalSp);
}

function leave<V>(b: Builder<V>, i: Instruction): void {
  const size = i.operandSize as Size;
  const stack = b.stackSize();
  const bp = b.getReg(stack, Reg.EBP);
  const value = b.load(size, Seg.SS, bp);
  b.setReg(stack, ESP, b.add(bp, b.constant(size >> 3)));
  b.setReg(size, Reg.EBP, value);
}

function popSegment<V>(b: Builder<V>, i: Instruction): void {
  const size = i.operandSize as Size;
  const value = peek(b, size);
  b.helper("loadSegment", b.constant(i.operands[0]!.reg), b.zext(16, value));
  adjustStack(b, size >> 3);
}

export const stackSemantics = {
  PUSH: pushInstruction,
  POP: popInstruction,
  POP_SREG: popSegment,
  PUSHA: pushAll,
  POPA: popAll,
  PUSHF: pushFlags,
  POPF: popFlags,
  ENTER: enter,
  LEAVE: leave,
} satisfies Record<string, Semantic>;

