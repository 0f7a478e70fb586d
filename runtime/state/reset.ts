/**
 * Architectural start states: power-on reset (SDM Vol.3 9.1.1) and the flat 32-bit protected mode
 * that multiboot loaders hand to a kernel (Multiboot 0.6.96 §3.2).
 */
import type { Cpu } from "../cpu.js";
import { Seg, State } from "./layout.js";

/** Access rights (descriptor bytes 5..6 as LAR >> 8). */
export const ACCESS_FLAT_CODE32 = 0xc09b; // G, D, P, DPL 0, code execute/read, accessed
export const ACCESS_FLAT_DATA32 = 0xc093; // G, B, P, DPL 0, data read/write, accessed
export const ACCESS_REAL_DATA = 0x0093;

/** Where enterFlatProtectedMode puts its GDT (null, code 0x08, data 0x10): below the 1 MiB hole. */
export const BOOT_GDT_ADDRESS = 0x800;
export const BOOT_CODE_SELECTOR = 0x08;
export const BOOT_DATA_SELECTOR = 0x10;

function clearState(cpu: Cpu): void {
  cpu.i32.fill(0, 0, State.scratch >> 2);
}

export function resetCpu(cpu: Cpu): void {
  clearState(cpu);
  for (let seg = Seg.ES; seg <= Seg.GS; seg++) {
    cpu.setSegmentField(seg, "selector", seg === Seg.CS ? 0xf000 : 0);
    cpu.setSegmentField(seg, "base", seg === Seg.CS ? 0xffff0000 | 0 : 0);
    cpu.setSegmentField(seg, "limit", 0xffff);
    // Real mode ignores segment types: every segment, CS included, is present read/write data after
    // reset (SDM Vol.3 Table 9-1), so stores through a CS override work.
    cpu.setSegmentField(seg, "access", ACCESS_REAL_DATA);
  }
  cpu.eip = 0xfff0;
  cpu.setField(State.eflags, 2);
  cpu.setField(State.cr0, 0x60000010);
  cpu.setField(State.idtrLimit, 0xffff);
  cpu.setField(State.gdtrLimit, 0xffff);
  cpu.setField(State.ldtr + 8, 0xffff);
  cpu.setField(State.ldtr + 12, 0x82);
  cpu.setField(State.tr + 8, 0xffff);
  cpu.setField(State.tr + 12, 0x8b);
  cpu.setReg32(2, 0x633); // EDX holds the processor signature after reset
  cpu.mmu.flushAll();
}

/** Real mode with CS:IP = segment:offset and all data segments = segment (for flat binaries). */
export function enterRealMode(cpu: Cpu, segment: number, offset: number): void {
  resetCpu(cpu);
  for (let seg = Seg.ES; seg <= Seg.GS; seg++) {
    cpu.setSegmentField(seg, "selector", segment);
    cpu.setSegmentField(seg, "base", segment << 4);
  }
  cpu.eip = offset;
  cpu.setReg32(4, 0xfffe);
}

/**
 * Flat 32-bit protected mode at CPL 0, paging off, interrupts off, with a GDT in guest memory so that
 * the selectors can be reloaded.
 */
export function enterFlatProtectedMode(cpu: Cpu, entry: number): void {
  resetCpu(cpu);
  const gdt = new Uint8Array(24);
  const view = new DataView(gdt.buffer);
  view.setUint32(8, 0x0000ffff, true);
  view.setUint32(12, 0x00cf9b00, true);
  view.setUint32(16, 0x0000ffff, true);
  view.setUint32(20, 0x00cf9300, true);
  cpu.writePhysicalBytes(BOOT_GDT_ADDRESS, gdt);
  cpu.setField(State.gdtrBase, BOOT_GDT_ADDRESS);
  cpu.setField(State.gdtrLimit, gdt.length - 1);
  cpu.setField(State.idtrBase, 0);
  cpu.setField(State.idtrLimit, 0);
  for (let seg = Seg.ES; seg <= Seg.GS; seg++) {
    cpu.setSegmentField(seg, "selector", seg === Seg.CS ? BOOT_CODE_SELECTOR : BOOT_DATA_SELECTOR);
    cpu.setSegmentField(seg, "base", 0);
    cpu.setSegmentField(seg, "limit", -1);
    cpu.setSegmentField(seg, "access", seg === Seg.CS ? ACCESS_FLAT_CODE32 : ACCESS_FLAT_DATA32);
  }
  cpu.setField(State.cr0, 0x60000011);
  cpu.setField(State.cpl, 0);
  cpu.setReg32(2, 0);
  cpu.eip = entry;
  cpu.mmu.flushAll();
}
