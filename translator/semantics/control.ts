/**
 * Control transfer (SDM Vol.2 Jcc, JMP, CALL, RET, LOOP/LOOPcc, JCXZ/JECXZ, far forms, INT n, INTO,
 * INT3, IRET, BOUND). With a 16-bit operand size a near target is truncated to 16 bits.
 */
import type { Builder, Semantic, Size } from "./builder.js";
import { Flag } from "./flags.js";
import { adjustStack, operandSize, peek, push, readOperand } from "./operands.js";
import { OperandKind, type Instruction } from "../isa/types.js";
import { Reg } from "../../runtime/state/layout.js";
import { Vector } from "../../runtime/exceptions/fault.js";

/** Kinds passed to the softwareInterrupt helper. */
export const enum SoftwareInterruptKind {
  Int = 0,
  Int3 = 1,
  Into = 2,
  Int1 = 3,
}

function target<V>(b: Builder<V>, i: Instruction, value: V): V {
  return i.operandSize === 16 ? b.zext(16, value) : value;
}

function relativeTarget<V>(b: Builder<V>, i: Instruction): V {
  return target(b, i, b.add(b.nextInstructionPointer(), b.constant(i.operands[0]!.value)));
}

function nearTarget<V>(b: Builder<V>, i: Instruction): V {
  return i.operands[0]!.kind === OperandKind.Rel ? relativeTarget(b, i) : target(b, i, readOperand(b, i, 0));
}

function loop(condition: "none" | "equal" | "notEqual"): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const size = i.addressSize as Size;
    const count = b.zext(size, b.sub(b.getReg(size, Reg.ECX), b.constant(1)));
    const destination = relativeTarget(b, i);
    b.setReg(size, Reg.ECX, count);
    let taken = b.ne(count, b.constant(0));
    if (condition === "equal") taken = b.and(taken, b.getFlag(Flag.ZF));
    if (condition === "notEqual") taken = b.and(taken, b.eqz(b.getFlag(Flag.ZF)));
    b.branch(taken, destination);
  };
}

/** Far pointer operands: immediate (Ap) or memory (Mp): [offset, selector]. */
function farPointer<V>(b: Builder<V>, i: Instruction): [V, V] {
  const op = i.operands[0]!;
  if (op.kind === OperandKind.Far) return [b.constant(op.value), b.constant(op.selector)];
  const size = i.operandSize as Size;
  const address = b.effectiveAddress(i);
  const selectorAddress = b.add(address, b.constant(size >> 3));
  const offset = b.load(size, i.segment, address);
  const selector = b.load(16, i.segment, i.addressSize === 16 ? b.zext(16, selectorAddress) : selectorAddress);
  return [offset, selector];
}

export const controlSemantics = {
  JCC: (b, i) => b.branch(b.condition(i.opcode & 0xf), relativeTarget(b, i)),
  JMP: (b, i) => b.jump(nearTarget(b, i)),
  CALL: (b, i) => {
    const destination = nearTarget(b, i);
    push(b, i.operandSize as Size, b.nextInstructionPointer());
    b.jump(destination);
  },
  RET: (b, i) => {
    const size = i.operandSize as Size;
    const destination = target(b, i, peek(b, size));
    adjustStack(b, (size >> 3) + (i.operands.length > 0 ? i.immediate & 0xffff : 0));
    b.jump(destination);
  },
  LOOP: loop("none"),
  LOOPE: loop("equal"),
  LOOPNE: loop("notEqual"),
  JCXZ: (b, i) => b.branch(b.eqz(b.getReg(i.addressSize as Size, Reg.ECX)), relativeTarget(b, i)),
  JMPF: (b, i) => {
    const [offset, selector] = farPointer(b, i);
    b.helper("farJump", selector, offset, b.constant(i.operandSize));
  },
  CALLF: (b, i) => {
    const [offset, selector] = farPointer(b, i);
    b.helper("farCall", selector, offset, b.constant(i.operandSize), b.constant(0));
  },
  RETF: (b, i) => {
    b.helper("farReturn", b.constant(i.operandSize), b.constant(i.operands.length > 0 ? i.immediate & 0xffff : 0));
  },
  IRET: (b, i) => {
    b.helper("interruptReturn", b.constant(i.operandSize));
  },
  INT: (b, i) => {
    b.helper("softwareInterrupt", b.constant(i.immediate & 0xff), b.constant(SoftwareInterruptKind.Int));
  },
  INT3: (b) => {
    b.helper("softwareInterrupt", b.constant(Vector.BP), b.constant(SoftwareInterruptKind.Int3));
  },
  INT1: (b) => {
    b.helper("softwareInterrupt", b.constant(Vector.DB), b.constant(SoftwareInterruptKind.Int1));
  },
  INTO: (b) => {
    b.ifThen(b.getFlag(Flag.OF), () => {
      b.helper("softwareInterrupt", b.constant(Vector.OF), b.constant(SoftwareInterruptKind.Into));
    });
  },
  BOUND: (b, i) => {
    const size = operandSize(i, 0);
    const index = b.sext(size, readOperand(b, i, 0));
    const address = b.effectiveAddress(i);
    const upperAddress = b.add(address, b.constant(size >> 3));
    const lower = b.sext(size, b.load(size, i.segment, address));
    const upper = b.sext(size, b.load(size, i.segment, i.addressSize === 16 ? b.zext(16, upperAddress) : upperAddress));
    b.ifThen(b.or(b.ltS(index, lower), b.ltS(upper, index)), () => b.raise(Vector.BR));
  },
} satisfies Record<string, Semantic>;
