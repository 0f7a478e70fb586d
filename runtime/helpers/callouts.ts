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

/** `cpuid()`: leaf in EAX; writes EAX, EBX, ECX, EDX. Leaves above the maximum (1) answer as leaf 1. */
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

// The time-stamp counter counts retired instructions: TSC = instructionCount + tscOffset (64-bit).
// instructionCount advances when the machine accounts a run, so successive reads within one run
// would repeat a value; each read therefore returns at least the previous one plus 1, as the SDM
// promises ("monotonically increasing unique value", Vol.3 17.17).

function read64(cpu: Cpu, field: number): bigint {
  return (BigInt(cpu.field(field + 4) >>> 0) << 32n) | BigInt(cpu.field(field) >>> 0);
}

function write64(cpu: Cpu, field: number, value: bigint): void {
  cpu.setField(field, Number(value & 0xffffffffn) | 0);
  cpu.setField(field + 4, Number((value >> 32n) & 0xffffffffn) | 0);
}

const U64 = (1n << 64n) - 1n;

/** The counter's value now, recorded as the last value read. */
function readTimeStampCounter(cpu: Cpu): bigint {
  const counted = (read64(cpu, State.instructionCount) + read64(cpu, State.tscOffset)) & U64;
  const next = (read64(cpu, State.tsc) + 1n) & U64;
  const value = counted > next ? counted : next;
  write64(cpu, State.tsc, value);
  return value;
}

/**
 * WRMSR to the TSC on a P6 writes only the low 32 bits and clears the high 32 (SDM Vol.3 17.17, for
 * processors before family 0FH model 3). The next read returns exactly `low`.
 */
function writeTimeStampCounter(cpu: Cpu, low: number): void {
  const value = BigInt(low >>> 0);
  write64(cpu, State.tscOffset, (value - read64(cpu, State.instructionCount)) & U64);
  write64(cpu, State.tsc, (value - 1n) & U64);
}

/** RDTSC: EDX:EAX = TSC. #GP(0) with CR4.TSD set outside CPL 0 (SDM Vol.2 RDTSC). */
export function rdtsc(cpu: Cpu): number {
  if ((cpu.field(State.cr4) & 4) !== 0 && cpu.protectedMode && cpu.cpl !== 0) throw new CpuFault(Vector.GP, 0);
  const value = readTimeStampCounter(cpu);
  cpu.setReg32(Reg.EAX, Number(value & 0xffffffffn) | 0);
  cpu.setReg32(Reg.EDX, Number(value >> 32n) | 0);
  return 0;
}

const MSR_TSC = 0x10;
const MSR_SYSENTER_CS = 0x174;
const MSR_SYSENTER_ESP = 0x175;
const MSR_SYSENTER_EIP = 0x176;

/** `rdmsr()`: EDX:EAX = MSR[ECX]. CPL 0 only; an MSR this model does not have is #GP(0). */
export function rdmsr(cpu: Cpu): number {
  requireCpl0(cpu);
  const msr = cpu.reg32(Reg.ECX) >>> 0;
  let low: number;
  let high = 0;
  switch (msr) {
    case MSR_TSC: {
      const value = readTimeStampCounter(cpu);
      low = Number(value & 0xffffffffn) | 0;
      high = Number(value >> 32n) | 0;
      break;
    }
    case MSR_SYSENTER_CS: low = cpu.field(State.sysenterCs); break;
    case MSR_SYSENTER_ESP: low = cpu.field(State.sysenterEsp); break;
    case MSR_SYSENTER_EIP: low = cpu.field(State.sysenterEip); break;
    default: throw new CpuFault(Vector.GP, 0);
  }
  cpu.setReg32(Reg.EAX, low);
  cpu.setReg32(Reg.EDX, high);
  return 0;
}

/** `wrmsr()`: MSR[ECX] = EDX:EAX. CPL 0 only; an MSR this model does not have is #GP(0). */
export function wrmsr(cpu: Cpu): number {
  requireCpl0(cpu);
  const msr = cpu.reg32(Reg.ECX) >>> 0;
  const low = cpu.reg32(Reg.EAX);
  switch (msr) {
    case MSR_TSC: writeTimeStampCounter(cpu, low); break;
    case MSR_SYSENTER_CS: cpu.setField(State.sysenterCs, low & 0xffff); break;
    case MSR_SYSENTER_ESP: cpu.setField(State.sysenterEsp, low); break;
    case MSR_SYSENTER_EIP: cpu.setField(State.sysenterEip, low); break;
    default: throw new CpuFault(Vector.GP, 0);
  }
  return 0;
}

// ---- I/O and interrupts ----

/** `portIn(port, size)`: IN; size 8, 16 or 32 bits; returns the value read. #GP(0) if not permitted. */
export function portIn(cpu: Cpu, port: number, size: number): number {
  if (!ioPermitted(cpu, port & 0xffff, size >> 3)) throw new CpuFault(Vector.GP, 0);
  return cpu.io.read(port & 0xffff, size as 8 | 16 | 32);
}

/** `portOut(port, size, value)`: OUT of the low `size` bits of value. #GP(0) if not permitted. */
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

/** `cli()`: #GP(0) when CPL > IOPL in protected mode (SDM Vol.2 CLI; no VME/PVI in this model). */
export function cli(cpu: Cpu): number {
  checkIopl(cpu);
  cpu.setField(State.eflags, cpu.field(State.eflags) & ~Flag.IF);
  return 0;
}

/** `sti()`: the same privilege rule as CLI. */
export function sti(cpu: Cpu): number {
  checkIopl(cpu);
  const eflags = cpu.field(State.eflags);
  // Interrupts stay blocked for one more instruction after STI sets IF (SDM Vol.2 STI).
  if ((eflags & Flag.IF) === 0) cpu.setField(State.interruptShadow, 1);
  cpu.setField(State.eflags, eflags | Flag.IF);
  return 0;
}

/**
 * `hlt()`: CPL 0 only. With IF = 0 nothing can wake the CPU: the run ends with HaltForever. With IF = 1
 * the CPU waits (State.halted) and the run loop returns so that devices can raise an interrupt.
 */
export function hlt(cpu: Cpu): number {
  requireCpl0(cpu);
  if ((cpu.field(State.eflags) & Flag.IF) === 0) {
    cpu.setField(State.exitReason, ExitReason.HaltForever);
  } else {
    cpu.setField(State.halted, 1);
    cpu.setField(State.exitReason, ExitReason.Halt);
  }
  cpu.setField(State.stopRequest, 1);
  return 0;
}

// ---- control and debug registers ----

const CR0_PE = 1;
const CR0_ET = 1 << 4;
const CR0_NW = 1 << 29;
const CR0_CD = 1 << 30;
const CR0_PG = 1 << 31;
/** PE MP EM TS ET NE WP AM NW CD PG: the CR0 bits a P6 has; writes to the others are ignored (SDM Vol.3 2.5). */
const CR0_DEFINED = 0x0000003f | (1 << 16) | (1 << 18) | CR0_NW | CR0_CD | CR0_PG;
/** CR4 bits this VMM implements: TSD, DE, PSE, PGE, PCE. Setting any other bit is #GP(0). */
const CR4_SUPPORTED = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 7) | (1 << 8);
const CONTROL_REGISTER_FIELDS: Record<number, number> = { 0: State.cr0, 2: State.cr2, 3: State.cr3, 4: State.cr4 };

function controlRegisterField(n: number): number {
  const field = CONTROL_REGISTER_FIELDS[n];
  if (field === undefined) throw new CpuFault(Vector.UD);
  return field;
}

/**
 * `writeControlRegister(n, value)`: MOV CRn, r32. n is 0, 2, 3 or 4 (the semantics raise #UD for the
 * others first, as the hardware does even at CPL 3). CPL 0 only. CR0: PG without PE and NW without CD
 * are #GP(0) (SDM Vol.2 MOV CRn); undefined bits are dropped; ET reads as 1. CR4: any unimplemented
 * bit is #GP(0). The MMU hears about every write (it decides what to flush); CR2/CR3 are stored as given.
 */
export function writeControlRegister(cpu: Cpu, n: number, value: number): number {
  requireCpl0(cpu);
  const field = controlRegisterField(n);
  const old = cpu.field(field);
  if (n === 0) {
    if ((value & CR0_PG) !== 0 && (value & CR0_PE) === 0) throw new CpuFault(Vector.GP, 0);
    if ((value & CR0_NW) !== 0 && (value & CR0_CD) === 0) throw new CpuFault(Vector.GP, 0);
    value = (value & CR0_DEFINED) | CR0_ET;
  } else if (n === 4 && (value & ~CR4_SUPPORTED) !== 0) {
    throw new CpuFault(Vector.GP, 0);
  }
  cpu.setField(field, value);
  (cpu.mmu as Mmu).onControlRegisterWrite?.(n, old, value);
  return 0;
}

/** `readControlRegister(n)`: MOV r32, CRn; returns the value. CPL 0 only. */
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

/** `writeDebugRegister(n, value)`: MOV DRn, r32. CPL 0; DR4/DR5 are #UD with CR4.DE. Stored only. */
export function writeDebugRegister(cpu: Cpu, n: number, value: number): number {
  requireCpl0(cpu);
  const index = debugRegisterIndex(cpu, n);
  cpu.setField(State.dr + 4 * index, value);
  return 0;
}

/** `readDebugRegister(n)`: MOV r32, DRn; returns the value. */
export function readDebugRegister(cpu: Cpu, n: number): number {
  requireCpl0(cpu);
  const index = debugRegisterIndex(cpu, n);
  return cpu.field(State.dr + 4 * index);
}

/** `clts()`: clear CR0.TS. CPL 0 only. */
export function clts(cpu: Cpu): number {
  requireCpl0(cpu);
  cpu.setField(State.cr0, cpu.field(State.cr0) & ~8);
  return 0;
}

/** `lmsw(value)`: loads PE, MP, EM, TS from the low bits; it can set PE but never clear it (SDM Vol.2 LMSW). */
export function lmsw(cpu: Cpu, value: number): number {
  requireCpl0(cpu);
  const old = cpu.field(State.cr0);
  const next = (old & ~0xe) | (value & 0xf) | (old & CR0_PE);
  cpu.setField(State.cr0, next);
  (cpu.mmu as Mmu).onControlRegisterWrite?.(0, old, next);
  return 0;
}

/**
 * `smsw()`: returns all of CR0; the semantics store 16 bits to memory, and to a register the low 16 or
 * (32-bit operand size) all 32 bits. Not privileged: it shows the guest its own CR0 (a Popek–Goldberg
 * critical instruction).
 */
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

/**
 * `lgdt(segment, offset, operandSize)` / `lidt(...)`: read the 6-byte operand at segment:offset (limit,
 * then base); a 16-bit operand size keeps 24 bits of the base (SDM Vol.2 LGDT). CPL 0 only.
 */
export const lgdt = (cpu: Cpu, seg: number, offset: number, size: number) => loadTableRegister(cpu, seg, offset, size, State.gdtrBase, State.gdtrLimit);
export const lidt = (cpu: Cpu, seg: number, offset: number, size: number) => loadTableRegister(cpu, seg, offset, size, State.idtrBase, State.idtrLimit);
/**
 * `sgdt(segment, offset, operandSize)` / `sidt(...)`: store limit and the full 32-bit base (the current
 * SDM stores 32 bits at either operand size). Not privileged: they store the guest's own table
 * registers, never the VMM's (SDM Vol.2 SGDT).
 */
export const sgdt = (cpu: Cpu, seg: number, offset: number) => storeTableRegister(cpu, seg, offset, State.gdtrBase, State.gdtrLimit);
export const sidt = (cpu: Cpu, seg: number, offset: number) => storeTableRegister(cpu, seg, offset, State.idtrBase, State.idtrLimit);

function requireProtectedMode(cpu: Cpu): void {
  if (!cpu.protectedMode || (cpu.field(State.eflags) & Flag.VM) !== 0) throw new CpuFault(Vector.UD);
}

/** `lldt(selector)`: #UD outside protected mode; a null selector leaves LDTR unusable (SDM Vol.2 LLDT). */
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

/** `ltr(selector)`: an available TSS in the GDT; marks its descriptor busy in memory (SDM Vol.2 LTR). */
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

/** `sldt()` / `str()`: return the LDTR / TR selector; not privileged; #UD outside protected mode. */
export function sldt(cpu: Cpu): number {
  requireProtectedMode(cpu);
  return cpu.field(State.ldtr) & 0xffff;
}

export function str(cpu: Cpu): number {
  requireProtectedMode(cpu);
  return cpu.field(State.tr) & 0xffff;
}

/** `invlpg(segment, offset)`: drop the TLB entry of the page at segment base + offset. CPL 0 only. */
export function invlpg(cpu: Cpu, seg: number, offset: number): number {
  requireCpl0(cpu);
  cpu.mmu.invalidatePage((cpu.segmentField(seg, "base") + offset) | 0);
  return 0;
}

/** `wbinvd()`, also INVD: no caches are modelled; only the privilege check remains. */
export function wbinvd(cpu: Cpu): number {
  requireCpl0(cpu);
  return 0;
}

