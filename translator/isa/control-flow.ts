/**
 * Control-flow facts of decoded instructions, shared by region formation (runtime/interpreter/region.ts)
 * and the translator's layout of a region (translator/backend/compile-block.ts).
 */
import { OperandKind, type Instruction } from "./types.js";
import { semanticKey } from "./opcodes.js";

/** Branches that may fall through to the next instruction. */
export const CONDITIONAL_BRANCHES: ReadonlySet<string> = new Set(["JCC", "LOOP", "LOOPE", "LOOPNE", "JCXZ"]);
/** Near transfers that never continue at the next instruction. */
export const UNCONDITIONAL_NEAR: ReadonlySet<string> = new Set(["JMP", "CALL", "RET"]);

/** The EIP after `instruction` at `eip`. */
export function nextPointer(instruction: Instruction, eip: number, code16: boolean): number {
  return code16 ? (eip + instruction.length) & 0xffff : (eip + instruction.length) | 0;
}

/** The target of a relative branch (JCC, JMP/CALL rel, LOOP, JCXZ) at `eip`, else undefined. */
export function relativeTarget(instruction: Instruction, eip: number, code16: boolean): number | undefined {
  const operand = instruction.operands[0];
  if (operand?.kind !== OperandKind.Rel) return undefined;
  const next = nextPointer(instruction, eip, code16);
  return instruction.operandSize === 16 ? (next + operand.value) & 0xffff : (next + operand.value) | 0;
}

/** An indirect near JMP or CALL (through a register or memory). */
export function isIndirectJump(instruction: Instruction): boolean {
  const key = semanticKey(instruction.row);
  return (key === "JMP" || key === "CALL") && instruction.operands[0]?.kind !== OperandKind.Rel;
}
