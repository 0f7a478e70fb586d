/**
 * 32-bit two-level paging (SDM Vol.3 4.3): 4 KiB pages, and 4 MiB pages when CR4.PSE and PDE.PS.
 * Access rights combine both levels (SDM Vol.3 4.6): user access needs U/S set in both, a write needs
 * R/W set in both (for supervisor writes only when CR0.WP). The walk sets Accessed bits, and Dirty on a
 * write. A page-structure entry outside RAM reads as 0 (not present).
 */
import type { Cpu } from "../cpu.js";
import { CpuFault, Vector } from "../exceptions/fault.js";
import { RAM_BASE, State } from "../state/layout.js";

const PRESENT = 0x001;
const WRITABLE = 0x002;
const USER = 0x004;
const ACCESSED = 0x020;
const DIRTY = 0x040;
const PAGE_SIZE_BIT = 0x080;
const GLOBAL = 0x100;

const CR0_WP = 1 << 16;
const CR4_PSE = 1 << 4;
const CR4_PGE = 1 << 7;

/** #PF error code bits (SDM Vol.3 4.7). */
export const PageFaultError = { Present: 1, Write: 2, User: 4 } as const;

export interface Translation {
  /** Guest physical address of the page (4 KiB aligned) for this linear page. */
  physicalPage: number;
  /** The mapping permits user access / writes (both levels), as the fill needs to know. */
  user: boolean;
  writable: boolean;
  /** The Dirty bit is set, so writes may use the fast path. */
  dirty: boolean;
  global: boolean;
}

function readEntry(cpu: Cpu, physical: number): number {
  return physical >>> 0 < cpu.ramSize - 3 ? cpu.view.getInt32(RAM_BASE + physical, true) : 0;
}

function writeEntry(cpu: Cpu, physical: number, value: number): void {
  if (physical >>> 0 < cpu.ramSize - 3) cpu.view.setInt32(RAM_BASE + physical, value, true);
}

/**
 * Translate `linear` for an access; raises #PF (setting CR2) on a violation.
 * `user`: the access is made at CPL 3 (not an implicit supervisor access).
 */
export function walk(cpu: Cpu, linear: number, write: boolean, user: boolean): Translation {
  const cr3 = cpu.field(State.cr3);
  const cr4 = cpu.field(State.cr4);
  const directoryEntryAddress = (cr3 & ~0xfff) + ((linear >>> 22) << 2);
  const pde = readEntry(cpu, directoryEntryAddress);
  if ((pde & PRESENT) === 0) pageFault(cpu, linear, 0, write, user);

  if ((pde & PAGE_SIZE_BIT) !== 0 && (cr4 & CR4_PSE) !== 0) {
    checkRights(cpu, linear, pde, write, user);
    const updated = pde | ACCESSED | (write ? DIRTY : 0);
    if (updated !== pde) writeEntry(cpu, directoryEntryAddress, updated);
    return {
      physicalPage: ((pde & 0xffc00000) | (linear & 0x3ff000)) >>> 0,
      user: (pde & USER) !== 0,
      writable: (pde & WRITABLE) !== 0,
      dirty: (updated & DIRTY) !== 0,
      global: (pde & GLOBAL) !== 0 && (cr4 & CR4_PGE) !== 0,
    };
  }

  const tableEntryAddress = (pde & ~0xfff) + (((linear >>> 12) & 0x3ff) << 2);
  const pte = readEntry(cpu, tableEntryAddress);
  if ((pte & PRESENT) === 0) pageFault(cpu, linear, 0, write, user);
  const combined = pde & pte;
  checkRights(cpu, linear, combined | (pte & PRESENT), write, user);
  if ((pde & ACCESSED) === 0) writeEntry(cpu, directoryEntryAddress, pde | ACCESSED);
  const updated = pte | ACCESSED | (write ? DIRTY : 0);
  if (updated !== pte) writeEntry(cpu, tableEntryAddress, updated);
  return {
    physicalPage: (pte & ~0xfff) >>> 0,
    user: (combined & USER) !== 0,
    writable: (combined & WRITABLE) !== 0,
    dirty: (updated & DIRTY) !== 0,
    global: (pte & GLOBAL) !== 0 && (cr4 & CR4_PGE) !== 0,
  };
}

function checkRights(cpu: Cpu, linear: number, rights: number, write: boolean, user: boolean): void {
  if (user) {
    if ((rights & USER) === 0 || (write && (rights & WRITABLE) === 0)) pageFault(cpu, linear, PageFaultError.Present, write, user);
  } else if (write && (rights & WRITABLE) === 0 && (cpu.field(State.cr0) & CR0_WP) !== 0) {
    pageFault(cpu, linear, PageFaultError.Present, write, user);
  }
}

function pageFault(cpu: Cpu, linear: number, present: number, write: boolean, user: boolean): never {
  cpu.setField(State.cr2, linear);
  throw new CpuFault(Vector.PF, present | (write ? PageFaultError.Write : 0) | (user ? PageFaultError.User : 0));
}
