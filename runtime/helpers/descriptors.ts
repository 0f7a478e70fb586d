/**
 * Segment descriptors (SDM Vol.3 3.4.5): reading them from the GDT/LDT and loading data and stack
 * segment registers with the protection checks of SDM Vol.3 5.5-5.6 and the MOV/POP/LDS pages of Vol.2.
 */
import type { Cpu } from "../cpu.js";
import { CpuFault, Vector } from "../exceptions/fault.js";
import { Seg, State } from "../state/layout.js";

export interface Descriptor {
  readonly low: number;
  readonly high: number;
  readonly base: number;
  /** Byte-granular limit (G applied). */
  readonly limit: number;
  /** Descriptor bytes 5..6 as LAR >> 8: type, S, DPL, P, AVL, L, D/B, G. */
  readonly access: number;
  readonly type: number;
  /** S: code/data (true) or system (false). */
  readonly codeOrData: boolean;
  readonly dpl: number;
  readonly present: boolean;
  /** Linear address of the descriptor (for setting the accessed bit). */
  readonly address: number;
}

export const ACCESS_ACCESSED = 0x01;
export const TYPE_CODE = 0x08;
const TYPE_CONFORMING = 0x04;
const TYPE_READ_WRITE = 0x02;

export function parseDescriptor(low: number, high: number, address: number): Descriptor {
  let limit = (low & 0xffff) | (high & 0xf0000);
  if ((high & 0x800000) !== 0) limit = ((limit << 12) | 0xfff) >>> 0;
  return {
    low,
    high,
    base: ((low >>> 16) | ((high & 0xff) << 16) | (high & 0xff000000)) | 0,
    limit,
    access: (high >>> 8) & 0xf0ff,
    type: (high >>> 8) & 0xf,
    codeOrData: (high & 0x1000) !== 0,
    dpl: (high >>> 13) & 3,
    present: (high & 0x8000) !== 0,
    address,
  };
}

/**
 * The descriptor a selector names, or a fault with `vector` and error code selector & ~3 when the
 * index lies beyond the table's limit (SDM Vol.3 5.4.1). Reads are implicit supervisor accesses.
 */
export function readDescriptor(cpu: Cpu, selector: number, vector: number = Vector.GP): Descriptor {
  const local = (selector & 4) !== 0;
  const tableBase = local ? cpu.field(State.ldtr + 4) : cpu.field(State.gdtrBase);
  const tableLimit = local ? cpu.field(State.ldtr + 8) >>> 0 : cpu.field(State.gdtrLimit) >>> 0;
  const offset = selector & ~7;
  if (local && (cpu.field(State.ldtr + 12) & 0x80) === 0) throw new CpuFault(vector, selector & 0xfffc);
  if (offset + 7 > tableLimit) throw new CpuFault(vector, selector & 0xfffc);
  const address = (tableBase + offset) | 0;
  const low = cpu.mmu.read32(address, true);
  const high = cpu.mmu.read32((address + 4) | 0, true);
  return parseDescriptor(low, high, address);
}

/** Set the accessed bit of a descriptor in memory if it is clear. */
export function markAccessed(cpu: Cpu, descriptor: Descriptor): void {
  if ((descriptor.high & 0x100) === 0) cpu.mmu.write32((descriptor.address + 4) | 0, descriptor.high | 0x100, true);
}

export function setSegmentRegister(cpu: Cpu, seg: number, selector: number, base: number, limit: number, access: number): void {
  cpu.setSegmentField(seg, "selector", selector & 0xffff);
  cpu.setSegmentField(seg, "base", base);
  cpu.setSegmentField(seg, "limit", limit);
  cpu.setSegmentField(seg, "access", access);
}

/** Virtual-8086 mode (EFLAGS.VM): segments load as in real mode. */
function realModeAddressing(cpu: Cpu): boolean {
  return !cpu.protectedMode || (cpu.field(State.eflags) & 0x20000) !== 0;
}

/**
 * Load a data or stack segment register (MOV Sreg, POP Sreg, LDS/LES/LFS/LGS/LSS). In real mode only
 * selector and base change: the hidden limit and rights stay as they were (SDM Vol.3 20.1.1).
 */
export function loadSegmentRegister(cpu: Cpu, seg: number, selector: number): void {
  selector &= 0xffff;
  if (realModeAddressing(cpu)) {
    cpu.setSegmentField(seg, "selector", selector);
    cpu.setSegmentField(seg, "base", selector << 4);
    if ((cpu.field(State.eflags) & 0x20000) !== 0) {
      cpu.setSegmentField(seg, "limit", 0xffff);
      cpu.setSegmentField(seg, "access", 0x93 | 0x60);
    }
    return;
  }
  const cpl = cpu.cpl;
  const rpl = selector & 3;
  if ((selector & ~3) === 0) {
    if (seg === Seg.SS) throw new CpuFault(Vector.GP, 0);
    // A null selector loads; the segment faults on use (P clear in the hidden rights).
    setSegmentRegister(cpu, seg, selector, 0, 0, 0);
    return;
  }
  const d = readDescriptor(cpu, selector);
  if (seg === Seg.SS) {
    const writableData = d.codeOrData && (d.type & TYPE_CODE) === 0 && (d.type & TYPE_READ_WRITE) !== 0;
    if (rpl !== cpl || !writableData || d.dpl !== cpl) throw new CpuFault(Vector.GP, selector & 0xfffc);
    if (!d.present) throw new CpuFault(Vector.SS, selector & 0xfffc);
  } else {
    const isCode = (d.type & TYPE_CODE) !== 0;
    const readable = d.codeOrData && (!isCode || (d.type & TYPE_READ_WRITE) !== 0);
    if (!readable) throw new CpuFault(Vector.GP, selector & 0xfffc);
    const conformingCode = isCode && (d.type & TYPE_CONFORMING) !== 0;
    if (!conformingCode && (d.dpl < cpl || d.dpl < rpl)) throw new CpuFault(Vector.GP, selector & 0xfffc);
    if (!d.present) throw new CpuFault(Vector.NP, selector & 0xfffc);
  }
  markAccessed(cpu, d);
  setSegmentRegister(cpu, seg, selector, d.base, d.limit, d.access | ACCESS_ACCESSED);
}
