/**
 * Writing EFLAGS from POPF and IRET (SDM Vol.2 POPF, IRET): which bits the current privilege lets
 * change. IOPL changes only at CPL 0; IF only when CPL ≤ IOPL (silently kept otherwise); VM, RF, VIP and
 * VIF are not changed by POPF; bit 1 reads as 1 and bits 3, 5, 15 as 0.
 */
import type { Cpu } from "../cpu.js";
import { State } from "../state/layout.js";
import { Flag } from "../../translator/semantics/flags.js";

const ALWAYS_WRITABLE = 0x0001 | 0x0004 | 0x0010 | 0x0040 | 0x0080 | 0x0100 | 0x0400 | 0x0800 | Flag.NT | Flag.AC | Flag.ID;

export function writeEflagsValue(cpu: Cpu, value: number, operandSize: number, fromIret: boolean): void {
  const current = cpu.field(State.eflags);
  let writable = ALWAYS_WRITABLE;
  const protectedMode = cpu.protectedMode;
  const cpl = cpu.cpl;
  const iopl = (current >>> 12) & 3;
  if (!protectedMode || cpl === 0) writable |= Flag.IOPL;
  if (!protectedMode || cpl <= iopl) writable |= Flag.IF;
  if (fromIret && protectedMode && cpl === 0) writable |= Flag.RF;
  if (operandSize === 16) writable &= 0xffff;
  const next = ((current & ~writable) | (value & writable)) & ~0x8028;
  cpu.setField(State.lazyPending, 0);
  cpu.setField(State.eflags, next | 2);
}

/** The `writeEflags(value, operandSize)` helper of POPF. */
export function writeEflags(cpu: Cpu, value: number, operandSize: number): number {
  writeEflagsValue(cpu, value, operandSize, false);
  return 0;
}
