/**
 * Segment-register loads and descriptor queries (SDM Vol.2 MOV/POP Sreg, LAR, LSL, VERR, VERW).
 * LAR/LSL/VERR/VERW never fault on a bad selector: they report it in ZF.
 */
import type { Cpu } from "../cpu.js";
import { CpuFault, Vector } from "../exceptions/fault.js";
import { Seg, State } from "../state/layout.js";
import { readDescriptor, loadSegmentRegister, TYPE_CODE, type Descriptor } from "./descriptors.js";
import { Flag } from "../../translator/semantics/flags.js";
import { ImmediateBuilder } from "../interpreter/immediate-builder.js";

export function loadSegment(cpu: Cpu, seg: number, selector: number): number {
  loadSegmentRegister(cpu, seg, selector);
  // MOV SS / POP SS block interrupts for one instruction (SDM Vol.2 MOV).
  if (seg === Seg.SS) cpu.setField(State.interruptShadow, 1);
  return 0;
}

function setZero(cpu: Cpu, ok: boolean): void {
  new ImmediateBuilder(cpu).setFlagBits(Flag.ZF, ok ? Flag.ZF : 0);
}

/** The descriptor, if the selector names one the current privilege may inspect (SDM Vol.2 LAR). */
function visibleDescriptor(cpu: Cpu, selector: number, systemTypes: readonly number[]): Descriptor | undefined {
  if (!cpu.protectedMode || (cpu.field(State.eflags) & Flag.VM) !== 0) throw new CpuFault(Vector.UD);
  if ((selector & 0xfffc) === 0) return undefined;
  let d: Descriptor;
  try {
    d = readDescriptor(cpu, selector);
  } catch (error) {
    if (error instanceof CpuFault && error.vector === Vector.GP) return undefined;
    throw error;
  }
  if (!d.codeOrData) return systemTypes.includes(d.type) && d.dpl >= Math.max(cpu.cpl, selector & 3) ? d : undefined;
  const conformingCode = (d.type & 0x0c) === 0x0c;
  if (!conformingCode && d.dpl < Math.max(cpu.cpl, selector & 3)) return undefined;
  return d;
}

function writeRegister(cpu: Cpu, reg: number, size: number, value: number): void {
  new ImmediateBuilder(cpu).setReg(size as 16 | 32, reg, value);
}

export function lar(cpu: Cpu, selector: number, reg: number, size: number): number {
  const d = visibleDescriptor(cpu, selector, [1, 2, 3, 4, 5, 9, 11, 12]);
  if (d !== undefined) writeRegister(cpu, reg, size, size === 16 ? d.high & 0xff00 : d.high & 0x00ffff00);
  setZero(cpu, d !== undefined);
  return 0;
}

export function lsl(cpu: Cpu, selector: number, reg: number, size: number): number {
  const d = visibleDescriptor(cpu, selector, [1, 2, 3, 9, 11]);
  if (d !== undefined) writeRegister(cpu, reg, size, d.limit);
  setZero(cpu, d !== undefined);
  return 0;
}

export function verr(cpu: Cpu, selector: number): number {
  const d = visibleDescriptor(cpu, selector, []);
  const readable = d !== undefined && ((d.type & TYPE_CODE) === 0 || (d.type & 2) !== 0);
  setZero(cpu, readable);
  return 0;
}

export function verw(cpu: Cpu, selector: number): number {
  const d = visibleDescriptor(cpu, selector, []);
  const writable = d !== undefined && (d.type & TYPE_CODE) === 0 && (d.type & 2) !== 0;
  setZero(cpu, writable);
  return 0;
}
