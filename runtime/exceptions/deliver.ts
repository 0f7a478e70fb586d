/**
 * Delivering exceptions and interrupts: through the IVT in real mode (SDM Vol.3 20.1.4) and through
 * interrupt and trap gates of the IDT in protected mode (SDM Vol.3 6.10-6.12), with the stack switch
 * from the TSS when the handler is more privileged. A fault while delivering becomes a double fault
 * (SDM Vol.3 6.15, Interrupt 8), and a fault while delivering that, a triple fault (shutdown).
 */
import type { Cpu } from "../cpu.js";
import { CpuFault, Vector, hasErrorCode } from "./fault.js";
import { ExitReason, Seg, State } from "../state/layout.js";
import { ImmediateBuilder } from "../interpreter/immediate-builder.js";
import { readDescriptor, markAccessed, setSegmentRegister, TYPE_CODE } from "../helpers/descriptors.js";
import { segmentLinear } from "../interpreter/segment-access.js";
import { Flag } from "../../translator/semantics/flags.js";

export const enum InterruptSource {
  /** A fault or trap raised by the CPU: no DPL check; pushes an error code where the vector has one. */
  Exception = 0,
  /** INT n / INT3 / INTO: gate DPL must be ≥ CPL. */
  Software = 1,
  /** A device interrupt (PIC): no DPL check, no error code. */
  External = 2,
}

const CONTRIBUTORY = new Set([Vector.DE, Vector.TS, Vector.NP, Vector.SS, Vector.GP]);

/** Deliver an exception raised by an instruction (EIP already points at it for faults). */
export function deliverException(cpu: Cpu, vector: number, errorCode: number): void {
  try {
    deliverInterrupt(cpu, vector, InterruptSource.Exception, hasErrorCode(vector) ? Math.max(errorCode, 0) : -1);
  } catch (second) {
    if (!(second instanceof CpuFault)) throw second;
    const benign = !(CONTRIBUTORY.has(second.vector as Vector) || second.vector === Vector.PF);
    if (vector === Vector.DF) {
      shutdown(cpu);
      return;
    }
    const firstSerious = CONTRIBUTORY.has(vector as Vector) || vector === Vector.PF;
    if (!firstSerious || benign || (vector !== Vector.PF && second.vector === Vector.PF)) {
      deliverException(cpu, second.vector, second.errorCode);
      return;
    }
    deliverException(cpu, Vector.DF, 0);
  }
}

function shutdown(cpu: Cpu): void {
  cpu.setField(State.exitReason, ExitReason.TripleFault);
  cpu.setField(State.stopRequest, 1);
}

/**
 * Transfer control to the handler of `vector`. The return address pushed is State.eip (the faulting
 * instruction for faults, the next instruction for traps and INT n).
 */
export function deliverInterrupt(cpu: Cpu, vector: number, source: InterruptSource, errorCode = -1): void {
  const flags = new ImmediateBuilder(cpu).getEflags();
  if (!cpu.protectedMode) {
    deliverRealMode(cpu, vector, flags);
    return;
  }
  const ext = source === InterruptSource.Software ? 0 : 1;
  const gateError = vector * 8 + 2 + ext;
  const idtLimit = cpu.field(State.idtrLimit) >>> 0;
  if (vector * 8 + 7 > idtLimit) throw new CpuFault(Vector.GP, gateError);
  const gateAddress = (cpu.field(State.idtrBase) + vector * 8) | 0;
  const low = cpu.mmu.read32(gateAddress, true);
  const high = cpu.mmu.read32((gateAddress + 4) | 0, true);
  const type = (high >>> 8) & 0x1f;
  const gateDpl = (high >>> 13) & 3;
  const is32 = type === 0x0e || type === 0x0f;
  const isTrap = type === 0x0f || type === 0x07;
  if (type === 0x05 && (high & 0x8000) !== 0) {
    // Task gates need task switching, not modelled yet: stop the run and say so rather than fake it.
    cpu.setField(State.exitReason, ExitReason.Unsupported);
    cpu.setField(State.exitValue, vector);
    cpu.setField(State.stopRequest, 1);
    return;
  }
  if (type !== 0x0e && type !== 0x0f && type !== 0x06 && type !== 0x07) throw new CpuFault(Vector.GP, gateError);
  const cpl = cpu.cpl;
  if (source === InterruptSource.Software && gateDpl < cpl) throw new CpuFault(Vector.GP, gateError);
  if ((high & 0x8000) === 0) throw new CpuFault(Vector.NP, gateError);

  const selector = low >>> 16;
  const offset = is32 ? ((high & 0xffff0000) | (low & 0xffff)) >>> 0 : low & 0xffff;
  if ((selector & ~3) === 0) throw new CpuFault(Vector.GP, ext);
  const code = readDescriptor(cpu, selector);
  if (!code.codeOrData || (code.type & TYPE_CODE) === 0 || code.dpl > cpl) {
    throw new CpuFault(Vector.GP, (selector & 0xfffc) + ext);
  }
  if (!code.present) throw new CpuFault(Vector.NP, (selector & 0xfffc) + ext);
  const conforming = (code.type & 0x04) !== 0;
  const newCpl = conforming ? cpl : code.dpl;
  const width = is32 ? 4 : 2;
  const eip = cpu.eip;
  const oldCs = cpu.segmentField(Seg.CS, "selector");

  const frame: number[] = [];
  if (newCpl < cpl) {
    // Inner-privilege handler: switch to the stack named in the TSS for newCpl (SDM Vol.3 6.12.1).
    const { ss, esp } = stackFromTss(cpu, newCpl, ext);
    const oldSs = cpu.segmentField(Seg.SS, "selector");
    const oldEsp = cpu.reg32(4);
    const stack = readDescriptor(cpu, ss, Vector.TS);
    if ((ss & 3) !== newCpl || stack.dpl !== newCpl || (stack.type & 0x0a) !== 0x02 || !stack.codeOrData) {
      throw new CpuFault(Vector.TS, (ss & 0xfffc) + ext);
    }
    if (!stack.present) throw new CpuFault(Vector.SS, (ss & 0xfffc) + ext);
    frame.push(oldSs, oldEsp);
    pushFrame(cpu, frame, flags, oldCs, eip, errorCode, width, () => {
      markAccessed(cpu, stack);
      setSegmentRegister(cpu, Seg.SS, ss, stack.base, stack.limit, stack.access | 1);
      cpu.setReg32(4, esp);
      cpu.setField(State.cpl, newCpl);
    });
  } else {
    pushFrame(cpu, frame, flags, oldCs, eip, errorCode, width, () => undefined);
  }
  markAccessed(cpu, code);
  setSegmentRegister(cpu, Seg.CS, (selector & 0xfffc) | newCpl, code.base, code.limit, code.access | 1);
  cpu.setField(State.cpl, newCpl);
  cpu.eip = offset;
  let newFlags = flags & ~(Flag.TF | Flag.NT | Flag.RF | Flag.VM);
  if (!isTrap) newFlags &= ~Flag.IF;
  writeFlags(cpu, newFlags);
}

/**
 * Push [prefix..., EFLAGS, CS, EIP, error code] on the (possibly new) stack. Every slot is checked
 * before the first write, and `switchStack` runs between the check of the old state and the pushes.
 */
function pushFrame(
  cpu: Cpu,
  prefix: number[],
  flags: number,
  cs: number,
  eip: number,
  errorCode: number,
  width: number,
  switchStack: () => void,
): void {
  const values = [...prefix, flags, cs, eip];
  if (errorCode >= 0) values.push(errorCode);
  const savedCpl = cpu.cpl;
  const savedSs = [0, 1, 2, 3].map((k) => cpu.field(State.segments + Seg.SS * 16 + k * 4));
  const savedEsp = cpu.reg32(4);
  switchStack();
  try {
    const stack16 = (cpu.segmentField(Seg.SS, "access") & 0x4000) === 0;
    let esp = cpu.reg32(4);
    const addresses: number[] = [];
    for (let k = 0; k < values.length; k++) {
      esp = (esp - width) | 0;
      const offset = stack16 ? esp & 0xffff : esp;
      const linear = segmentLinear(cpu, Seg.SS, offset, width, true);
      cpu.mmu.probeWrite(linear, width);
      addresses.push(linear);
    }
    values.forEach((value, k) => {
      if (width === 4) cpu.mmu.write32(addresses[k]!, value);
      else cpu.mmu.write16(addresses[k]!, value);
    });
    cpu.setReg32(4, stack16 ? (cpu.reg32(4) & ~0xffff) | (esp & 0xffff) : esp);
  } catch (error) {
    cpu.setField(State.cpl, savedCpl);
    savedSs.forEach((v, k) => cpu.setField(State.segments + Seg.SS * 16 + k * 4, v));
    cpu.setReg32(4, savedEsp);
    throw error;
  }
}

function stackFromTss(cpu: Cpu, cpl: number, ext: number): { ss: number; esp: number } {
  const trBase = cpu.field(State.tr + 4);
  const trLimit = cpu.field(State.tr + 8) >>> 0;
  const offset = 4 + cpl * 8;
  if (offset + 5 > trLimit) throw new CpuFault(Vector.TS, (cpu.field(State.tr) & 0xfffc) + ext);
  return {
    esp: cpu.mmu.read32((trBase + offset) | 0, true),
    ss: cpu.mmu.read16((trBase + offset + 4) | 0, true),
  };
}

function deliverRealMode(cpu: Cpu, vector: number, flags: number): void {
  const idtBase = cpu.field(State.idtrBase);
  if (vector * 4 + 3 > cpu.field(State.idtrLimit) >>> 0) throw new CpuFault(Vector.GP, vector * 8 + 2);
  const entry = cpu.mmu.read32((idtBase + vector * 4) | 0);
  const sp = cpu.reg32(4);
  const ssBase = cpu.segmentField(Seg.SS, "base");
  const slots = [flags & 0xffff, cpu.segmentField(Seg.CS, "selector"), cpu.eip & 0xffff];
  let newSp = sp;
  const addresses: number[] = [];
  for (let k = 0; k < 3; k++) {
    newSp = (newSp - 2) & 0xffff;
    addresses.push((ssBase + newSp) | 0);
    cpu.mmu.probeWrite(addresses[k]!, 2);
  }
  slots.forEach((value, k) => cpu.mmu.write16(addresses[k]!, value));
  cpu.setReg32(4, (sp & ~0xffff) | newSp);
  const selector = entry >>> 16;
  cpu.setSegmentField(Seg.CS, "selector", selector);
  cpu.setSegmentField(Seg.CS, "base", selector << 4);
  cpu.eip = entry & 0xffff;
  writeFlags(cpu, flags & ~(Flag.IF | Flag.TF | Flag.AC));
}

function writeFlags(cpu: Cpu, value: number): void {
  cpu.setField(State.lazyPending, 0);
  cpu.setField(State.eflags, value | 2);
}
