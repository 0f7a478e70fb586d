/**
 * The I/O privilege check of IN/OUT/INS/OUTS (SDM Vol.1 19.5): allowed when CPL ≤ IOPL in protected
 * mode (always in real mode); otherwise, and always in virtual-8086 mode, every bit for the accessed
 * ports must be clear in the I/O permission bitmap of the current 32-bit TSS.
 */
import type { Cpu } from "../cpu.js";
import { State } from "../state/layout.js";

export function ioPermitted(cpu: Cpu, port: number, bytes: number): boolean {
  if (!cpu.protectedMode) return true;
  const eflags = cpu.field(State.eflags);
  const iopl = (eflags >>> 12) & 3;
  const vm86 = (eflags & 0x20000) !== 0;
  if (!vm86 && cpu.cpl <= iopl) return true;
  const type = cpu.field(State.tr + 12) & 0x0f;
  const limit = cpu.field(State.tr + 8) >>> 0;
  if ((type !== 0x9 && type !== 0xb) || limit < 103) return false;
  const base = cpu.field(State.tr + 4);
  const bitmap = cpu.mmu.read16((base + 102) | 0, true);
  const first = bitmap + (port >>> 3);
  const last = bitmap + ((port + bytes - 1) >>> 3);
  if (last > limit) return false;
  for (let p = port; p < port + bytes; p++) {
    const byte = cpu.mmu.read8((base + bitmap + (p >>> 3)) | 0, true);
    if ((byte >>> (p & 7)) & 1) return false;
  }
  return first <= last;
}
