/**
 * Far transfers, IRET and software interrupts (SDM Vol.2 JMP/CALL/RET far, IRET, INT n; Vol.3 5.8).
 * Protected-mode transfers go to code segments directly (same privilege, or back to an outer level
 * for RETF/IRET). Call gates, task switches and returns to virtual-8086 mode are not modelled yet:
 * they raise #GP with the selector, which a guest sees as an invalid target.
 */
import type { Cpu } from "../cpu.js";
import { CpuFault, Vector } from "../exceptions/fault.js";
import { Seg, State } from "../state/layout.js";
import { segmentLinear } from "../interpreter/segment-access.js";
import { readDescriptor, markAccessed, setSegmentRegister, loadSegmentRegister, TYPE_CODE, type Descriptor } from "./descriptors.js";
import { deliverInterrupt, InterruptSource } from "../exceptions/deliver.js";
import { writeEflagsValue } from "./eflags.js";
import { Flag } from "../../translator/semantics/flags.js";
import { SoftwareInterruptKind } from "../../translator/semantics/control.js";


function stack16(cpu: Cpu): boolean {
  return (cpu.segmentField(Seg.SS, "access") & 0x4000) === 0;
}

/** Read `count` stack slots of `width` bytes from the top without moving ESP. */
function peekStack(cpu: Cpu, width: number, count: number, skip = 0): number[] {
  const sp = cpu.reg32(4);
  const values: number[] = [];
  for (let k = 0; k < count; k++) {
    let offset = (sp + skip + k * width) | 0;
    if (stack16(cpu)) offset &= 0xffff;
    const linear = segmentLinear(cpu, Seg.SS, offset, width, false);
    values.push(width === 4 ? cpu.mmu.read32(linear) : cpu.mmu.read16(linear));
  }
  return values;
}

function moveStack(cpu: Cpu, bytes: number): void {
  const sp = cpu.reg32(4);
  cpu.setReg32(4, stack16(cpu) ? (sp & ~0xffff) | ((sp + bytes) & 0xffff) : (sp + bytes) | 0);
}

function pushValues(cpu: Cpu, width: number, values: number[]): void {
  const sp = cpu.reg32(4);
  const addresses: number[] = [];
  let offset = sp;
  for (let k = 0; k < values.length; k++) {
    offset = (offset - width) | 0;
    const linear = segmentLinear(cpu, Seg.SS, stack16(cpu) ? offset & 0xffff : offset, width, true);
    cpu.mmu.probeWrite(linear, width);
    addresses.push(linear);
  }
  values.forEach((v, k) => (width === 4 ? cpu.mmu.write32(addresses[k]!, v) : cpu.mmu.write16(addresses[k]!, v)));
  moveStack(cpu, -width * values.length);
}

function realModeJump(cpu: Cpu, selector: number, offset: number): void {
  cpu.setSegmentField(Seg.CS, "selector", selector & 0xffff);
  cpu.setSegmentField(Seg.CS, "base", (selector & 0xffff) << 4);
  cpu.eip = offset;
}

function realAddressing(cpu: Cpu): boolean {
  return !cpu.protectedMode || (cpu.field(State.eflags) & Flag.VM) !== 0;
}

/** The checks of a direct far JMP/CALL to a code segment (SDM Vol.3 5.8.1). */
function checkCodeTarget(cpu: Cpu, selector: number, offset: number): Descriptor {
  if ((selector & 0xfffc) === 0) throw new CpuFault(Vector.GP, 0);
  const d = readDescriptor(cpu, selector);
  const cpl = cpu.cpl;
  if (!d.codeOrData || (d.type & TYPE_CODE) === 0) throw new CpuFault(Vector.GP, selector & 0xfffc);
  const conforming = (d.type & 0x04) !== 0;
  if (conforming ? d.dpl > cpl : (selector & 3) > cpl || d.dpl !== cpl) throw new CpuFault(Vector.GP, selector & 0xfffc);
  if (!d.present) throw new CpuFault(Vector.NP, selector & 0xfffc);
  if (offset >>> 0 > d.limit >>> 0) throw new CpuFault(Vector.GP, 0);
  return d;
}

function loadCode(cpu: Cpu, selector: number, d: Descriptor, cpl: number, offset: number): void {
  markAccessed(cpu, d);
  setSegmentRegister(cpu, Seg.CS, (selector & 0xfffc) | cpl, d.base, d.limit, d.access | 1);
  cpu.setField(State.cpl, cpl);
  cpu.eip = offset;
}

export function farJump(cpu: Cpu, selector: number, offset: number, operandSize: number): number {
  if (operandSize === 16) offset &= 0xffff;
  if (realAddressing(cpu)) {
    realModeJump(cpu, selector, offset);
    return 0;
  }
  const d = checkCodeTarget(cpu, selector, offset);
  loadCode(cpu, selector, d, cpu.cpl, offset);
  return 0;
}

export function farCall(cpu: Cpu, selector: number, offset: number, operandSize: number): number {
  const width = operandSize >> 3;
  if (operandSize === 16) offset &= 0xffff;
  const returnCs = cpu.segmentField(Seg.CS, "selector");
  const returnEip = cpu.eip;
  if (realAddressing(cpu)) {
    pushValues(cpu, width, [returnCs, returnEip]);
    realModeJump(cpu, selector, offset);
    return 0;
  }
  const d = checkCodeTarget(cpu, selector, offset);
  pushValues(cpu, width, [returnCs, returnEip]);
  loadCode(cpu, selector, d, cpu.cpl, offset);
  return 0;
}

/** After a return to an outer level, data segments the new CPL may not use become null (SDM RET). */
function nullInaccessibleSegments(cpu: Cpu, cpl: number): void {
  for (const seg of [Seg.ES, Seg.DS, Seg.FS, Seg.GS]) {
    const access = cpu.segmentField(seg, "access");
    const dpl = (access >> 5) & 3;
    const conformingCode = (access & 0x0c) === 0x0c;
    if (!conformingCode && dpl < cpl) setSegmentRegister(cpu, seg, 0, 0, 0, 0);
  }
}

/** Return to selector:offset (from RETF/IRET), possibly to an outer privilege level with its stack. */
function returnTo(cpu: Cpu, selector: number, offset: number, outerStack: () => [number, number]): void {
  const cpl = cpu.cpl;
  const rpl = selector & 3;
  if ((selector & 0xfffc) === 0) throw new CpuFault(Vector.GP, 0);
  if (rpl < cpl) throw new CpuFault(Vector.GP, selector & 0xfffc);
  const d = readDescriptor(cpu, selector);
  if (!d.codeOrData || (d.type & TYPE_CODE) === 0) throw new CpuFault(Vector.GP, selector & 0xfffc);
  const conforming = (d.type & 0x04) !== 0;
  if (conforming ? d.dpl > rpl : d.dpl !== rpl) throw new CpuFault(Vector.GP, selector & 0xfffc);
  if (!d.present) throw new CpuFault(Vector.NP, selector & 0xfffc);
  if (offset >>> 0 > d.limit >>> 0) throw new CpuFault(Vector.GP, 0);
  if (rpl === cpl) {
    loadCode(cpu, selector, d, cpl, offset);
    return;
  }
  const [esp, ss] = outerStack();
  // The outer stack is checked at the new privilege level (SDM Vol.2 RET, "RETURN-TO-OUTER-PRIVILEGE-LEVEL").
  cpu.setField(State.cpl, rpl);
  try {
    loadSegmentRegister(cpu, Seg.SS, ss);
  } catch (error) {
    cpu.setField(State.cpl, cpl);
    throw error;
  }
  loadCode(cpu, selector, d, rpl, offset);
  cpu.setReg32(4, esp);
  nullInaccessibleSegments(cpu, rpl);
}

export function farReturn(cpu: Cpu, operandSize: number, release: number): number {
  const width = operandSize >> 3;
  const [eip, cs] = peekStack(cpu, width, 2);
  const offset = operandSize === 16 ? eip! & 0xffff : eip!;
  if (realAddressing(cpu)) {
    moveStack(cpu, 2 * width + release);
    realModeJump(cpu, cs!, offset);
    return 0;
  }
  const sameLevel = (cs! & 3) === cpu.cpl;
  returnTo(cpu, cs! & 0xffff, offset, () => {
    const [esp, ss] = peekStack(cpu, width, 2, 2 * width + release);
    return [(esp! + release) | 0, ss! & 0xffff];
  });
  // Same level: release the return address and the parameters (an outer return loaded ESP itself).
  if (sameLevel) moveStack(cpu, 2 * width + release);
  return 0;
}

export function interruptReturn(cpu: Cpu, operandSize: number): number {
  const width = operandSize >> 3;
  const [eip, cs, flags] = peekStack(cpu, width, 3);
  const offset = operandSize === 16 ? eip! & 0xffff : eip!;
  if (realAddressing(cpu)) {
    if ((cpu.field(State.eflags) & Flag.VM) !== 0) throw new CpuFault(Vector.GP, 0); // IOPL-sensitive in VM86
    moveStack(cpu, 3 * width);
    realModeJump(cpu, cs!, offset);
    writeEflagsValue(cpu, flags!, operandSize, true);
    return 0;
  }
  const current = cpu.field(State.eflags);
  if ((current & Flag.NT) !== 0) throw new CpuFault(Vector.GP, cpu.field(State.tr) & 0xfffc); // task return: not modelled
  if (operandSize === 32 && (flags! & Flag.VM) !== 0 && cpu.cpl === 0) throw new CpuFault(Vector.GP, 0); // return to VM86: not modelled
  const oldCpl = cpu.cpl;
  const selector = cs! & 0xffff;
  const sameLevel = (selector & 3) === oldCpl;
  returnTo(cpu, selector, offset, () => {
    const [esp, ss] = peekStack(cpu, width, 2, 3 * width);
    return [esp!, ss! & 0xffff];
  });
  if (sameLevel) moveStack(cpu, 3 * width);
  // EFLAGS rules use the privilege level the IRET executed at.
  const newCpl = cpu.cpl;
  cpu.setField(State.cpl, oldCpl);
  writeEflagsValue(cpu, flags!, operandSize, true);
  cpu.setField(State.cpl, newCpl);
  return 0;
}

export function softwareInterrupt(cpu: Cpu, vector: number, kind: number): number {
  if (cpu.protectedMode && (cpu.field(State.eflags) & Flag.VM) !== 0 && ((cpu.field(State.eflags) >>> 12) & 3) < 3) {
    throw new CpuFault(Vector.GP, 0);
  }
  deliverInterrupt(cpu, vector, kind === SoftwareInterruptKind.Int1 ? InterruptSource.External : InterruptSource.Software);
  return 0;
}
