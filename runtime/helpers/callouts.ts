/**
 * THE list of VMM callouts: every privileged or sensitive instruction (the Popek–Goldberg "critical"
 * ones included) reaches the VMM through one of these functions, called identically by the
 * interpreter and by compiled code. Each checks privilege first (CPL, IOPL), as the SDM's
 * pseudo-code does, then acts on the VMM's model of the machine.
 *
 *   CPUID RDTSC RDMSR WRMSR · IN OUT (INS/OUTS in string.ts) · CLI STI HLT · MOV CRn · MOV DRn · CLTS
 *   LMSW SMSW · LGDT LIDT SGDT SIDT · LLDT SLDT LTR STR · INVLPG · WBINVD/INVD · POPF (eflags.ts)
 *   Segment-descriptor queries (LAR LSL VERR VERW) and segment loads are in segments.ts.
 */
import type { Cpu } from "../cpu.js";
import { CpuFault, Vector } from "../exceptions/fault.js";
import { ExitReason, Reg, State } from "../state/layout.js";
import { segmentLinear } from "../interpreter/segment-access.js";
import { ioPermitted } from "./io-permission.js";
import { readDescriptor } from "./descriptors.js";
import { Flag } from "../../translator/semantics/flags.js";
import type { Mmu } from "../mmu/mmu.js";

function requireCpl0(cpu: Cpu): void {
  if (cpu.protectedMode && (cpu.cpl !== 0 || (cpu.field(State.eflags) & Flag.VM) !== 0)) throw new CpuFault(Vector.GP, 0);
}

/** The privilege check of LMSW, LGDT, LIDT, LLDT, LTR, made before their operand is read (SDM Vol.2). */
export function requirePrivilege(cpu: Cpu): number {
  requireCpl0(cpu);
  return 0;
}

// ---- identification and time ----

/** CPUID feature bits (EDX of leaf 1): exactly what this VMM implements. */
export const CPUID_FEATURES =
  (1 << 3) | // PSE: 4 MiB pages
  (1 << 4) | // TSC
  (1 << 5) | // MSR
  (1 << 8) | // CX8: CMPXCHG8B
  (1 << 13) | // PGE: global pages
  (1 << 15); // CMOV

export function cpuid(cpu: Cpu): number {
  const leaf = cpu.reg32(Reg.EAX) >>> 0;
  let a = 0, b = 0, c = 0, d = 0;
  const effective = leaf > 1 && leaf < 0x80000000 ? 1 : leaf;
  if (effective === 0) {
    a = 1;
    b = 0x756e6547; // "Genu"
    d = 0x49656e69; // "ineI"
    c = 0x6c65746e; // "ntel"
  } else if (effective === 1) {
    a = 0x0633; // family 6, model 3, stepping 3 (a Pentium II-class P6)
    d = CPUID_FEATURES;
  }
  cpu.setReg32(Reg.EAX, a);
  cpu.setReg32(Reg.EBX, b);
  cpu.setReg32(Reg.ECX, c);
  cpu.setReg32(Reg.EDX, d);
  return 0;
}

/**
 * RDTSC: the counter follows retired instructions (one tick each, as of the last time slice) and
 * grows by at least one per read so that it is strictly increasing within a slice.
 */
export function rdtsc(cpu: Cpu): number {
  if ((cpu.field(State.cr4) & 4) !== 0 && cpu.protectedMode && cpu.cpl !== 0) throw new CpuFault(Vector.GP, 0);
  const retiredLow = cpu.field(State.instructionCount) >>> 0;
  const retiredHigh = cpu.field(State.instructionCount + 4) >>> 0;
  let low = cpu.field(State.tsc) >>> 0;
  let high = cpu.field(State.tsc + 4) >>> 0;
  if (high < retiredHigh || (high === retiredHigh && low < retiredLow)) {
    low = retiredLow;
    high = retiredHigh;
  }
  low = (low + 1) >>> 0;
  if (low === 0) high = (high + 1) >>> 0;
  cpu.setField(State.tsc, low | 0);
  cpu.setField(State.tsc + 4, high | 0);
  cpu.setReg32(Reg.EAX, low | 0);
  cpu.setReg32(Reg.EDX, high | 0);
  return 0;
}

const MSR_TSC = 0x10;
const MSR_SYSENTER_CS = 0x174;
const MSR_SYSENTER_ESP = 0x175;
const MSR_SYSENTER_EIP = 0x176;

export function rdmsr(cpu: Cpu): number {
  requireCpl0(cpu);
  const msr = cpu.reg32(Reg.ECX) >>> 0;
  let low: number;
  let high = 0;
  switch (msr) {
    case MSR_TSC: low = cpu.field(State.tsc); high = cpu.field(State.tsc + 4); break;
    case MSR_SYSENTER_CS: low = cpu.field(State.sysenterCs); break;
    case MSR_SYSENTER_ESP: low = cpu.field(State.sysenterEsp); break;
    case MSR_SYSENTER_EIP: low = cpu.field(State.sysenterEip); break;
    default: throw new CpuFault(Vector.GP, 0);
  }
  cpu.setReg32(Reg.EAX, low);
  cpu.setReg32(Reg.EDX, high);
  return 0;
}

export function wrmsr(cpu: Cpu): number {
  requireCpl0(cpu);
  const msr = cpu.reg32(Reg.ECX) >>> 0;
  const low = cpu.reg32(Reg.EAX);
  switch (msr) {
    case MSR_TSC: cpu.setField(State.tsc, low); cpu.setField(State.tsc + 4, cpu.reg32(Reg.EDX)); break;
    case MSR_SYSENTER_CS: cpu.setField(State.sysenterCs, low & 0xffff); break;
    case MSR_SYSENTER_ESP: cpu.setField(State.sysenterEsp, low); break;
    case MSR_SYSENTER_EIP: cpu.setField(State.sysenterEip, low); break;
    default: throw new CpuFault(Vector.GP, 0);
  }
  return 0;
}

// ---- I/O and interrupts ----

export function portIn(cpu: Cpu, port: number, size: number): number {
  if (!ioPermitted(cpu, port & 0xffff, size >> 3)) throw new CpuFault(Vector.GP, 0);
  return cpu.io.read(port & 0xffff, size as 8 | 16 | 32);
}

export function portOut(cpu: Cpu, port: number, size: number, value: number): number {
  if (!ioPermitted(cpu, port & 0xffff, size >> 3)) throw new CpuFault(Vector.GP, 0);
  cpu.io.write(port & 0xffff, size === 32 ? value : value & ((1 << size) - 1), size as 8 | 16 | 32);
  return 0;
}

function checkIopl(cpu: Cpu): void {
  if (!cpu.protectedMode) return;
  const eflags = cpu.field(State.eflags);
  if (cpu.cpl > ((eflags >>> 12) & 3) || (eflags & Flag.VM) !== 0 && ((eflags >>> 12) & 3) < 3) throw new CpuFault(Vector.GP, 0);
}

export function cli(cpu: Cpu): number {
  checkIopl(cpu);
  cpu.setField(State.eflags, cpu.field(State.eflags) & ~Flag.IF);
  return 0;
}

export function sti(cpu: Cpu): number {
  checkIopl(cpu);
  const eflags = cpu.field(State.eflags);
  // Interrupts stay blocked for one more instruction after STI sets IF (SDM Vol.2 STI).
  if ((eflags & Flag.IF) === 0) cpu.setField(State.interruptShadow, 1);
  cpu.setField(State.eflags, eflags | Flag.IF);
  return 0;
}

export function hlt(cpu: Cpu): number {
  requireCpl0(cpu);
  if ((cpu.field(State.eflags) & Flag.IF) === 0) {
    cpu.setField(State.exitReason, ExitReason.HaltForever);
  } else {
    cpu.setField(State.halted, 1);
  }
  cpu.setField(State.stopRequest, 1);
  return 0;
}

// ---- control and debug registers ----

const CR0_PE = 1;
const CR0_ET = 1 << 4;
const CR0_PG = 1 << 31;
/** CR4 bits this VMM implements: TSD, DE, PSE, PGE, PCE. */
const CR4_SUPPORTED = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 7) | (1 << 8);
const CONTROL_REGISTER_FIELDS: Record<number, number> = { 0: State.cr0, 2: State.cr2, 3: State.cr3, 4: State.cr4 };

function controlRegisterField(n: number): number {
  const field = CONTROL_REGISTER_FIELDS[n];
  if (field === undefined) throw new CpuFault(Vector.UD);
  return field;
}

export function writeControlRegister(cpu: Cpu, n: number, value: number): number {
  requireCpl0(cpu);
  const field = controlRegisterField(n);
  const old = cpu.field(field);
  if (n === 0) {
    // PG without PE is #GP(0) (SDM Vol.2 MOV CR); ET is hard-wired to 1 on P6 processors.
    if ((value & CR0_PG) !== 0 && (value & CR0_PE) === 0) throw new CpuFault(Vector.GP, 0);
    value |= CR0_ET;
  } else if (n === 4 && (value & ~CR4_SUPPORTED) !== 0) {
    throw new CpuFault(Vector.GP, 0);
  }
  cpu.setField(field, value);
  (cpu.mmu as Mmu).onControlRegisterWrite?.(n, old, value);
  return 0;
}

export function readControlRegister(cpu: Cpu, n: number): number {
  requireCpl0(cpu);
  return cpu.field(controlRegisterField(n));
}

function debugRegisterIndex(cpu: Cpu, n: number): number {
  if (n === 4 || n === 5) {
    // DR4/DR5 alias DR6/DR7 unless CR4.DE (SDM Vol.3 17.2.2).
    if ((cpu.field(State.cr4) & 8) !== 0) throw new CpuFault(Vector.UD);
    return n + 2;
  }
  return n;
}

export function writeDebugRegister(cpu: Cpu, n: number, value: number): number {
  requireCpl0(cpu);
  const index = debugRegisterIndex(cpu, n);
  cpu.setField(State.dr + 4 * index, value);
  return 0;
}

export function readDebugRegister(cpu: Cpu, n: number): number {
  requireCpl0(cpu);
  const index = debugRegisterIndex(cpu, n);
  return cpu.field(State.dr + 4 * index);
}

export function clts(cpu: Cpu): number {
  requireCpl0(cpu);
  cpu.setField(State.cr0, cpu.field(State.cr0) & ~8);
  return 0;
}

/** LMSW loads PE, MP, EM, TS; it can set PE but never clear it (SDM Vol.2 LMSW). */
export function lmsw(cpu: Cpu, value: number): number {
  requireCpl0(cpu);
  const old = cpu.field(State.cr0);
  const next = (old & ~0xe) | (value & 0xf) | (old & CR0_PE);
  cpu.setField(State.cr0, next);
  (cpu.mmu as Mmu).onControlRegisterWrite?.(0, old, next);
  return 0;
}

/** SMSW is not privileged: it shows the guest its own CR0 (a Popek–Goldberg critical instruction). */
export function smsw(cpu: Cpu): number {
  return cpu.field(State.cr0);
}

// ---- descriptor-table registers ----

function tableOperand(cpu: Cpu, seg: number, offset: number, write: boolean): number {
  return segmentLinear(cpu, seg, offset, 6, write);
}

function loadTableRegister(cpu: Cpu, seg: number, offset: number, operandSize: number, baseField: number, limitField: number): number {
  requireCpl0(cpu);
  const linear = tableOperand(cpu, seg, offset, false);
  const limit = cpu.mmu.read16(linear);
  let base = cpu.mmu.read32((linear + 2) | 0);
  if (operandSize === 16) base &= 0xffffff;
  cpu.setField(baseField, base);
  cpu.setField(limitField, limit);
  return 0;
}

function storeTableRegister(cpu: Cpu, seg: number, offset: number, baseField: number, limitField: number): number {
  const linear = tableOperand(cpu, seg, offset, true);
  cpu.mmu.probeWrite(linear, 6);
  cpu.mmu.write16(linear, cpu.field(limitField));
  cpu.mmu.write32((linear + 2) | 0, cpu.field(baseField));
  return 0;
}

export const lgdt = (cpu: Cpu, seg: number, offset: number, size: number) => loadTableRegister(cpu, seg, offset, size, State.gdtrBase, State.gdtrLimit);
export const lidt = (cpu: Cpu, seg: number, offset: number, size: number) => loadTableRegister(cpu, seg, offset, size, State.idtrBase, State.idtrLimit);
/** SGDT/SIDT are not privileged: they store the guest's own table registers (SDM Vol.2 SGDT). */
export const sgdt = (cpu: Cpu, seg: number, offset: number) => storeTableRegister(cpu, seg, offset, State.gdtrBase, State.gdtrLimit);
export const sidt = (cpu: Cpu, seg: number, offset: number) => storeTableRegister(cpu, seg, offset, State.idtrBase, State.idtrLimit);

function requireProtectedMode(cpu: Cpu): void {
  if (!cpu.protectedMode || (cpu.field(State.eflags) & Flag.VM) !== 0) throw new CpuFault(Vector.UD);
}

export function lldt(cpu: Cpu, selector: number): number {
  requireProtectedMode(cpu);
  requireCpl0(cpu);
  if ((selector & 0xfffc) === 0) {
    cpu.setField(State.ldtr, selector);
    cpu.setField(State.ldtr + 12, 0);
    return 0;
  }
  if ((selector & 4) !== 0) throw new CpuFault(Vector.GP, selector & 0xfffc);
  const d = readDescriptor(cpu, selector);
  if (d.codeOrData || d.type !== 2) throw new CpuFault(Vector.GP, selector & 0xfffc);
  if (!d.present) throw new CpuFault(Vector.NP, selector & 0xfffc);
  cpu.setField(State.ldtr, selector);
  cpu.setField(State.ldtr + 4, d.base);
  cpu.setField(State.ldtr + 8, d.limit);
  cpu.setField(State.ldtr + 12, d.access);
  return 0;
}

export function ltr(cpu: Cpu, selector: number): number {
  requireProtectedMode(cpu);
  requireCpl0(cpu);
  if ((selector & 0xfffc) === 0) throw new CpuFault(Vector.GP, 0);
  if ((selector & 4) !== 0) throw new CpuFault(Vector.GP, selector & 0xfffc);
  const d = readDescriptor(cpu, selector);
  // An available TSS (16-bit type 1, 32-bit type 9); LTR marks it busy (SDM Vol.2 LTR).
  if (d.codeOrData || (d.type !== 1 && d.type !== 9)) throw new CpuFault(Vector.GP, selector & 0xfffc);
  if (!d.present) throw new CpuFault(Vector.NP, selector & 0xfffc);
  cpu.mmu.write32((d.address + 4) | 0, d.high | 0x200, true);
  cpu.setField(State.tr, selector);
  cpu.setField(State.tr + 4, d.base);
  cpu.setField(State.tr + 8, d.limit);
  cpu.setField(State.tr + 12, d.access | 2);
  return 0;
}

export function sldt(cpu: Cpu): number {
  requireProtectedMode(cpu);
  return cpu.field(State.ldtr) & 0xffff;
}

export function str(cpu: Cpu): number {
  requireProtectedMode(cpu);
  return cpu.field(State.tr) & 0xffff;
}

export function invlpg(cpu: Cpu, seg: number, offset: number): number {
  requireCpl0(cpu);
  cpu.mmu.invalidatePage((cpu.segmentField(seg, "base") + offset) | 0);
  return 0;
}

export function wbinvd(cpu: Cpu): number {
  requireCpl0(cpu);
  return 0;
}

