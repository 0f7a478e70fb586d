/**
 * Reading and writing a decoded instruction's operands, on top of the Builder primitives. Shared by
 * every semantic file; written once for both tiers.
 */
import { OperandKind, type Instruction, type Operand } from "../isa/types.js";
import type { Builder, Size } from "./builder.js";
import { Seg } from "../../runtime/state/layout.js";

export function operandSize(i: Instruction, n: number): Size {
  return i.operands[n]!.size as Size;
}

/** Value of operand `n`, zero-extended to 32 bits. Immediates are already extended by the decoder. */
export function readOperand<V>(b: Builder<V>, i: Instruction, n: number): V {
  const op = i.operands[n]!;
  return readOperandOf(b, i, op);
}

/** Value of operand `n` that the instruction will write back (read-modify-write: checked for writing). */
export function readOperandForUpdate<V>(b: Builder<V>, i: Instruction, n: number): V {
  return readOperandOf(b, i, i.operands[n]!, true);
}

export function readOperandOf<V>(b: Builder<V>, i: Instruction, op: Operand, forWrite = false): V {
  switch (op.kind) {
    case OperandKind.Reg:
      return b.getReg(op.size as Size, op.reg);
    case OperandKind.Mem:
      return b.load(op.size as Size, i.segment, b.effectiveAddress(i), forWrite);
    case OperandKind.Imm:
    case OperandKind.Rel:
      return b.constant(op.value);
    default:
      throw new Error(`readOperand: operand kind ${op.kind} of ${i.mnemonic} is not a value operand`);
  }
}

/** Write the low bits of `value` to operand `n` (a register or the memory operand). */
export function writeOperand<V>(b: Builder<V>, i: Instruction, n: number, value: V): void {
  const op = i.operands[n]!;
  switch (op.kind) {
    case OperandKind.Reg:
      b.setReg(op.size as Size, op.reg, value);
      return;
    case OperandKind.Mem:
      b.store(op.size as Size, i.segment, b.effectiveAddress(i), value);
      return;
    default:
      throw new Error(`writeOperand: operand ${n} of ${i.mnemonic} is not writable`);
  }
}

export function isMemory(i: Instruction, n: number): boolean {
  return i.operands[n]!.kind === OperandKind.Mem;
}

/**
 * Push `value` (the low `size` bits). The stack pointer's width follows SS.B (SDM Vol.3 3.4.5), a mode
 * fact the builder knows statically. The store comes first: if it faults, ESP is unchanged.
 */
export function push<V>(b: Builder<V>, size: Size, value: V): void {
  const stack16 = b.stackSize() === 16;
  const sp = b.getReg(stack16 ? 16 : 32, 4);
  const newSp = b.sub(sp, b.constant(size >> 3));
  b.store(size, Seg.SS, stack16 ? b.zext(16, newSp) : newSp, value);
  b.setReg(stack16 ? 16 : 32, 4, newSp);
}

/** Read the value on top of the stack without moving ESP. `depth` is a byte offset from the top. */
export function peek<V>(b: Builder<V>, size: Size, depth = 0): V {
  const stack16 = b.stackSize() === 16;
  const sp = b.getReg(stack16 ? 16 : 32, 4);
  const at = depth === 0 ? sp : b.add(sp, b.constant(depth));
  return b.load(size, Seg.SS, stack16 ? b.zext(16, at) : at);
}

/** Move ESP (or SP with a 16-bit stack) by `bytes`. */
export function adjustStack<V>(b: Builder<V>, bytes: number): void {
  const stack16 = b.stackSize() === 16;
  const sp = b.getReg(stack16 ? 16 : 32, 4);
  b.setReg(stack16 ? 16 : 32, 4, b.add(sp, b.constant(bytes)));
}

/** Pop: load first (may fault), then move ESP. */
export function pop<V>(b: Builder<V>, size: Size): V {
  const value = peek(b, size);
  adjustStack(b, size >> 3);
  return value;
}

export { Seg };
