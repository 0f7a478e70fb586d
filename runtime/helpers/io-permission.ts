/**
 * The I/O privilege check of IN/OUT/INS/OUTS (SDM Vol.1 19.5): allowed when CPL ≤ IOPL in protected
 * mode (always in real mode); otherwise, and always in virtual-8086 mode, every bit for the accessed
 * ports must be clear in the I/O permission bitmap of the current 32-bit TSS.
 *
 * The processor reads two bytes of the bitmap for every access, so both bytes at map base + port / 8
 * must lie within the TSS limit: this is why a map must be followed by an all-ones byte (SDM Vol.1
 * 19.5.2). Ports the map does not reach, a 16-bit TSS and a TSS shorter than 104 bytes deny access.
 */
import type { Cpu } from "../cpu.js";
import { State } from "../state/layout.js";

const TSS32_AVAILABLE = 0x9;
const TSS32_BUSY = 0xb;
/** Offset of the I/O map base field in a 32-bit TSS. */
const IO_MAP_BASE = 102;

export function ioPermitted(cpu: Cpu, port: number, bytes: number): boolean {
  if (!cpu.protectedMode) return true;
  const eflags = cpu.field(State.eflags);
  const iopl = (eflags >>> 12) & 3;
  const vm86 = (eflags & 0x20000) !== 0;
  if (!vm86 && cpu.cpl <= iopl) return true;
  const type = cpu.field(State.tr + 12) & 0x0f;
  const limit = cpu.field(State.tr + 8) >>> 0;
  if ((type !== TSS32_AVAILABLE && type !== TSS32_BUSY) || limit < IO_MAP_BASE + 1) return false;
  const base = cpu.field(State.tr + 4);
  const first = cpu.mmu.read16((base + IO_MAP_BASE) | 0, true) + (port >>> 3);
  if (first + 1 > limit) return false;
  const bits = cpu.mmu.read16((base + first) | 0, true);
  const mask = ((1 << bytes) - 1) << (port & 7);
  return (bits & mask) === 0;
}
