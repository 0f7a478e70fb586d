/**
 * Writing EFLAGS from POPF and IRET (SDM Vol.2 POPF, IRET): which bits the current privilege lets
 * change. IOPL changes only at CPL 0; IF only when CPL ≤ IOPL (silently kept otherwise, no fault);
 * bit 1 reads as 1 and bits 3, 5, 15 and 22-31 as 0; AC and ID are writable at any level (ID toggling is
 * how software detects CPUID).
 *   POPF: VM, VIP, VIF keep their value and RF is cleared.
 *   IRET: RF is restored (32-bit operand size); VIF and VIP too at CPL 0 in protected mode. VM is not
 *   written here: a return to virtual-8086 mode is the caller's decision (control.ts).
 * A 16-bit operand size writes only the low 16 bits.
 */
import type { Cpu } from "../cpu.js";
import { State } from "../state/layout.js";
import { Flag } from "../../translator/semantics/flags.js";

const ALWAYS_WRITABLE = 0x0001 | 0x0004 | 0x0010 | 0x0040 | 0x0080 | 0x0100 | 0x0400 | 0x0800 | Flag.NT | Flag.AC | Flag.ID;
const RF = 1 << 16;
const VIF = 1 << 19;
const VIP = 1 << 20;
/** Bits that always read as zero: 3, 5, 15 and 22-31. */
const RESERVED_ZERO = 0x8028 | 0xffc00000;

export function writeEflagsValue(cpu: Cpu, value: number, operandSize: number, fromIret: boolean): void {
  let current = cpu.field(State.eflags);
  let writable = ALWAYS_WRITABLE;
  const protectedMode = cpu.protectedMode;
  const cpl = cpu.cpl;
  const iopl = (current >>> 12) & 3;
  if (!protectedMode || cpl === 0) writable |= Flag.IOPL;
  if (!protectedMode || cpl <= iopl) writable |= Flag.IF;
  if (fromIret) {
    writable |= RF;
    if (protectedMode && cpl === 0) writable |= VIF | VIP;
  } else {
    current &= ~RF;
  }
  if (operandSize === 16) writable &= 0xffff;
  const next = ((current & ~writable) | (value & writable)) & ~RESERVED_ZERO;
  cpu.setField(State.lazyPending, 0);
  cpu.setField(State.eflags, next | 2);
}

/**
 * `writeEflags(value, operandSize)`: the POPF callout. `value` is the popped word or doubleword,
 * `operandSize` 16 or 32. Never faults (the VM86 IOPL check belongs to the caller). Returns 0.
 */
export function writeEflags(cpu: Cpu, value: number, operandSize: number): number {
  writeEflagsValue(cpu, value, operandSize, false);
  return 0;
}
