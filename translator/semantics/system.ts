/**
 * Privileged and sensitive instructions. Each becomes a call of the one VMM callout list
 * (runtime/helpers/callouts.ts), which checks privilege (CPL, IOPL) and performs it on the VMM's
 * model of the machine; segment-descriptor queries go to runtime/helpers/segments.ts.
 */
import type { Builder, Semantic, Size } from "./builder.js";
import { Flag } from "./flags.js";
import { operandSize, readOperand, writeOperand } from "./operands.js";
import { OperandKind, type Instruction } from "../isa/types.js";
import { Vector } from "../../runtime/exceptions/fault.js";

function portOf<V>(b: Builder<V>, i: Instruction, n: number): V {
  const op = i.operands[n]!;
  return op.kind === OperandKind.Imm ? b.constant(op.value & 0xff) : b.getReg(16, 2);
}

/** Descriptor-table register instructions take (segment, offset, operand size). */
function tableRegister(name: "lgdt" | "lidt" | "sgdt" | "sidt"): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    if (name === "lgdt" || name === "lidt") b.helper("requirePrivilege");
    b.helper(name, b.constant(i.segment), b.effectiveAddress(i), b.constant(i.operandSize));
  };
}

/** SLDT, STR, SMSW: a 16-bit value; a register destination with 32-bit operand size gets it zero-extended. */
function storeSystemValue(name: "sldt" | "str" | "smsw"): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const value = b.helper(name);
    const op = i.operands[0]!;
    if (op.kind === OperandKind.Mem) b.store(16, i.segment, b.effectiveAddress(i), value);
    else b.setReg(i.operandSize as Size, op.reg, name === "smsw" && i.operandSize === 32 ? value : b.zext(16, value));
  };
}

function descriptorQuery(name: "lar" | "lsl"): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    b.helper(name, b.zext(16, readOperand(b, i, 1)), b.constant(i.operands[0]!.reg), b.constant(operandSize(i, 0)));
  };
}

/** CR1 and CR5-CR7 do not exist: #UD, checked before privilege (SDM Vol.2 MOV CR). */
function validControlRegister<V>(b: Builder<V>, n: number): boolean {
  if (n === 0 || n === 2 || n === 3 || n === 4) return true;
  b.raise(Vector.UD);
  return false;
}

export const systemSemantics = {
  CLI: (b) => void b.helper("cli"),
  STI: (b) => void b.helper("sti"),
  HLT: (b) => void b.helper("hlt"),
  IN: (b, i) => {
    const size = operandSize(i, 0);
    b.setReg(size, 0, b.helper("portIn", portOf(b, i, 1), b.constant(size)));
  },
  OUT: (b, i) => {
    const size = operandSize(i, 1);
    b.helper("portOut", portOf(b, i, 0), b.constant(size), b.getReg(size, 0));
  },
  CPUID: (b) => void b.helper("cpuid"),
  RDTSC: (b) => void b.helper("rdtsc"),
  RDMSR: (b) => void b.helper("rdmsr"),
  WRMSR: (b) => void b.helper("wrmsr"),
  // Performance counters are not modelled: RDPMC faults as with an invalid counter (SDM Vol.2 RDPMC).
  RDPMC: (b) => b.raise(Vector.GP, b.constant(0)),
  // SYSENTER/SYSEXIT are not offered (CPUID.SEP = 0), so they are undefined opcodes here.
  SYSENTER: (b) => b.raise(Vector.UD),
  SYSEXIT: (b) => b.raise(Vector.UD),
  MOV_TO_CR: (b, i) => validControlRegister(b, i.operands[0]!.reg) && void b.helper("writeControlRegister", b.constant(i.operands[0]!.reg), b.getReg(32, i.operands[1]!.reg)),
  MOV_FROM_CR: (b, i) => validControlRegister(b, i.operands[1]!.reg) && b.setReg(32, i.operands[0]!.reg, b.helper("readControlRegister", b.constant(i.operands[1]!.reg))),
  MOV_TO_DR: (b, i) => void b.helper("writeDebugRegister", b.constant(i.operands[0]!.reg), b.getReg(32, i.operands[1]!.reg)),
  MOV_FROM_DR: (b, i) => b.setReg(32, i.operands[0]!.reg, b.helper("readDebugRegister", b.constant(i.operands[1]!.reg))),
  CLTS: (b) => void b.helper("clts"),
  LMSW: (b, i) => {
    b.helper("requirePrivilege");
    b.helper("lmsw", b.zext(16, readOperand(b, i, 0)));
  },
  SMSW: storeSystemValue("smsw"),
  LGDT: tableRegister("lgdt"),
  LIDT: tableRegister("lidt"),
  SGDT: tableRegister("sgdt"),
  SIDT: tableRegister("sidt"),
  LLDT: (b, i) => {
    // #UD in real and virtual-8086 mode comes before the privilege check and the operand read.
    if (!b.protectedMode()) return b.raise(Vector.UD);
    b.helper("requirePrivilege");
    b.helper("lldt", b.zext(16, readOperand(b, i, 0)));
  },
  SLDT: storeSystemValue("sldt"),
  LTR: (b, i) => {
    // #UD in real and virtual-8086 mode comes before the privilege check and the operand read.
    if (!b.protectedMode()) return b.raise(Vector.UD);
    b.helper("requirePrivilege");
    b.helper("ltr", b.zext(16, readOperand(b, i, 0)));
  },
  STR: storeSystemValue("str"),
  INVLPG: (b, i) => void b.helper("invlpg", b.constant(i.segment), b.effectiveAddress(i)),
  WBINVD: (b) => void b.helper("wbinvd"),
  INVD: (b) => void b.helper("wbinvd"),
  LAR: descriptorQuery("lar"),
  LSL: descriptorQuery("lsl"),
  VERR: (b, i) => void b.helper("verr", b.zext(16, readOperand(b, i, 0))),
  VERW: (b, i) => void b.helper("verw", b.zext(16, readOperand(b, i, 0))),
  ARPL: (b, i) => {
    if (!b.protectedMode()) {
      b.raise(Vector.UD);
      return;
    }
    const destination = readOperand(b, i, 0);
    const source = readOperand(b, i, 1);
    const adjust = b.ltU(b.and(destination, b.constant(3)), b.and(source, b.constant(3)));
    // The destination is written only when its RPL changes (a read-only operand faults only then).
    b.ifThen(adjust, () => writeOperand(b, i, 0, b.or(b.and(destination, b.constant(0xfffc)), b.and(source, b.constant(3)))));
    b.setFlagBits(Flag.ZF, b.shl(adjust, b.constant(6)));
  },
  NOP: () => undefined,
  WAIT: () => undefined,
  UD2: (b) => b.raise(Vector.UD),
} satisfies Record<string, Semantic>;
