/**
 * The MMU: every guest memory access by linear address goes through the shadow TLB in linear memory
 * (format in tlb-entry.ts). A hit costs one table load, one mask-compare and one XOR; a miss walks the
 * guest page tables (page-walk.ts, or the identity map when CR0.PG is clear) and fills the entry.
 * Accesses that cross a page translate both pages before touching either, so a fault on the second
 * page leaves the first unwritten. Physical addresses outside RAM read as all ones and ignore writes.
 */
import type { Cpu } from "../cpu.js";
import { Access, type LinearMemory } from "./access.js";
import { TlbFlag, TLB_FLAG_BITS } from "./tlb-entry.js";
import { walk } from "./page-walk.js";
import {
  PAGE_SIZE,
  RAM_BASE,
  State,
  TLB_BASE,
  TLB_ENTRIES,
  TLB_FILL_LIST,
  TLB_FILL_LIST_CAPACITY,
} from "../state/layout.js";

const TLB_INDEX = TLB_BASE >> 2;
const FILL_INDEX = TLB_FILL_LIST >> 2;
const CR0_PG = 1 << 31;
const CR0_WP = 1 << 16;
const CR4_PSE = 1 << 4;
const CR4_PGE = 1 << 7;
const READ_SUPERVISOR = TlbFlag.ReadSupervisor;
const READ_USER = TlbFlag.ReadUser;
const WRITE_SUPERVISOR = TlbFlag.WriteSupervisor | TlbFlag.Code;
const WRITE_USER = TlbFlag.WriteUser | TlbFlag.Code;

export class Mmu implements LinearMemory {
  private readonly i32: Int32Array;
  private readonly view: DataView;
  private readonly u8: Uint8Array;
  /** Filled entries, so a flush costs what was filled; `overflowed` falls back to clearing all. */
  private fillCount = 0;
  private overflowed = false;
  /** One byte per physical page: 1 when the page holds decoded/translated code. */
  private readonly codePages: Uint8Array;
  /**
   * Told when linear→physical mappings may change (with the linear page for INVLPG, without for a
   * whole flush): caches keyed by linear address, such as the translator's jump cache, drop entries.
   */
  readonly flushListeners: ((linearPage?: number) => void)[] = [];

  constructor(private readonly cpu: Cpu) {
    this.i32 = cpu.i32;
    this.view = cpu.view;
    this.u8 = cpu.u8;
    this.codePages = new Uint8Array(cpu.ramSize / PAGE_SIZE);
  }

  // ---- fast paths ----
  private user(supervisor: boolean | undefined): boolean {
    return supervisor !== true && this.i32[State.cpl >> 2] === 3;
  }

  read8(linear: number, supervisor?: boolean): number {
    const user = this.user(supervisor);
    const entry = this.i32[TLB_INDEX + (linear >>> 12)]!;
    if ((entry & (user ? READ_USER : READ_SUPERVISOR)) !== 0) return this.u8[(entry & ~TLB_FLAG_BITS) ^ linear]!;
    return this.slowRead(linear, 1, user);
  }

  read16(linear: number, supervisor?: boolean): number {
    const user = this.user(supervisor);
    const entry = this.i32[TLB_INDEX + (linear >>> 12)]!;
    if ((entry & (user ? READ_USER : READ_SUPERVISOR)) !== 0 && (linear & 0xfff) <= 0xffe) {
      return this.view.getUint16((entry & ~TLB_FLAG_BITS) ^ linear, true);
    }
    return this.slowRead(linear, 2, user);
  }

  read32(linear: number, supervisor?: boolean): number {
    const user = this.user(supervisor);
    const entry = this.i32[TLB_INDEX + (linear >>> 12)]!;
    if ((entry & (user ? READ_USER : READ_SUPERVISOR)) !== 0 && (linear & 0xfff) <= 0xffc) {
      return this.view.getInt32((entry & ~TLB_FLAG_BITS) ^ linear, true);
    }
    return this.slowRead(linear, 4, user);
  }

  write8(linear: number, value: number, supervisor?: boolean): void {
    const user = this.user(supervisor);
    const entry = this.i32[TLB_INDEX + (linear >>> 12)]!;
    const test = user ? WRITE_USER : WRITE_SUPERVISOR;
    if ((entry & test) === (test & ~TlbFlag.Code)) {
      this.u8[(entry & ~TLB_FLAG_BITS) ^ linear] = value;
      return;
    }
    this.slowWrite(linear, 1, value, user);
  }

  write16(linear: number, value: number, supervisor?: boolean): void {
    const user = this.user(supervisor);
    const entry = this.i32[TLB_INDEX + (linear >>> 12)]!;
    const test = user ? WRITE_USER : WRITE_SUPERVISOR;
    if ((entry & test) === (test & ~TlbFlag.Code) && (linear & 0xfff) <= 0xffe) {
      this.view.setUint16((entry & ~TLB_FLAG_BITS) ^ linear, value, true);
      return;
    }
    this.slowWrite(linear, 2, value, user);
  }

  write32(linear: number, value: number, supervisor?: boolean): void {
    const user = this.user(supervisor);
    const entry = this.i32[TLB_INDEX + (linear >>> 12)]!;
    const test = user ? WRITE_USER : WRITE_SUPERVISOR;
    if ((entry & test) === (test & ~TlbFlag.Code) && (linear & 0xfff) <= 0xffc) {
      this.view.setInt32((entry & ~TLB_FLAG_BITS) ^ linear, value, true);
      return;
    }
    this.slowWrite(linear, 4, value, user);
  }

  probeWrite(linear: number, bytes: number, supervisor?: boolean): void {
    const user = this.user(supervisor);
    const last = (linear + bytes - 1) | 0;
    // The first page is checked at `linear` itself so that a fault reports the accessed address in CR2.
    this.translatePage(linear, true, user);
    for (let page = linear >>> 12; page !== last >>> 12; ) {
      page = (page + 1) & 0xfffff;
      this.translatePage((page << 12) | 0, true, user);
    }
  }

  translate(linear: number, access: Access, supervisor?: boolean): number {
    const user = this.user(supervisor);
    const write = access === Access.Write;
    const entry = this.i32[TLB_INDEX + (linear >>> 12)]!;
    const need = write ? (user ? TlbFlag.WriteUser : TlbFlag.WriteSupervisor) : user ? READ_USER : READ_SUPERVISOR;
    if ((entry & need) !== 0) return (entry & ~TLB_FLAG_BITS) ^ linear;
    const host = this.translatePage(linear, write, user);
    if (host < 0) throw new RangeError(`linear 0x${(linear >>> 0).toString(16)} maps outside RAM`);
    return host;
  }

  // ---- slow paths ----
  /**
   * Host offset of `linear` for a read or write, walking and filling the TLB; -1 if the physical address
   * is not RAM. Faults (#PF) as the access would.
   */
  private translatePage(linear: number, write: boolean, user: boolean): number {
    const i32 = this.i32;
    const cr0 = i32[State.cr0 >> 2]!;
    let physicalPage: number;
    let flags: number;
    if ((cr0 & CR0_PG) === 0) {
      physicalPage = (linear & ~0xfff) >>> 0;
      flags = TlbFlag.ReadSupervisor | TlbFlag.WriteSupervisor | TlbFlag.ReadUser | TlbFlag.WriteUser;
    } else {
      const t = walk(this.cpu, linear, write, user);
      physicalPage = t.physicalPage;
      const supervisorWrite = t.writable || (cr0 & CR0_WP) === 0;
      flags = TlbFlag.ReadSupervisor;
      if (t.user) flags |= TlbFlag.ReadUser;
      // Writes go through the fast path only once the Dirty bit is set (the first write re-walks).
      if (t.dirty && supervisorWrite) flags |= TlbFlag.WriteSupervisor;
      if (t.dirty && t.user && t.writable) flags |= TlbFlag.WriteUser;
      if (t.global) flags |= TlbFlag.Global;
    }
    const offset = (linear & 0xfff);
    if (physicalPage >= this.cpu.ramSize) return -1;
    if (this.codePages[physicalPage >>> 12] !== 0) flags |= TlbFlag.Code;
    const host = RAM_BASE + physicalPage;
    this.fill(linear >>> 12, ((host ^ (linear & ~0xfff)) & ~TLB_FLAG_BITS) | flags);
    return host + offset;
  }

  private fill(page: number, entry: number): void {
    const i32 = this.i32;
    if (i32[TLB_INDEX + page] === 0) {
      if (this.fillCount < TLB_FILL_LIST_CAPACITY) i32[FILL_INDEX + this.fillCount++] = page;
      else this.overflowed = true;
    }
    i32[TLB_INDEX + page] = entry;
  }

  private slowRead(linear: number, bytes: number, user: boolean): number {
    const last = (linear + bytes - 1) | 0;
    const first = this.translatePage(linear, false, user);
    if (last >>> 12 === linear >>> 12) {
      if (first < 0) return bytes === 4 ? -1 : (1 << (bytes * 8)) - 1;
      return bytes === 1 ? this.u8[first]! : bytes === 2 ? this.view.getUint16(first, true) : this.view.getInt32(first, true);
    }
    // Crossing a page boundary: translate the second page too, then assemble bytewise.
    const secondLinear = last & ~0xfff;
    const second = this.translatePage(secondLinear, false, user);
    let value = 0;
    for (let k = 0; k < bytes; k++) {
      const at = (linear + k) | 0;
      const host = at >>> 12 === linear >>> 12 ? (first < 0 ? -1 : first + k) : second < 0 ? -1 : second + (at & 0xfff);
      value |= (host < 0 ? 0xff : this.u8[host]!) << (8 * k);
    }
    return bytes === 4 ? value | 0 : value;
  }

  private slowWrite(linear: number, bytes: number, value: number, user: boolean): void {
    const last = (linear + bytes - 1) | 0;
    const first = this.translatePage(linear, true, user);
    const second = last >>> 12 === linear >>> 12 ? first : this.translatePage(last & ~0xfff, true, user);
    for (let k = 0; k < bytes; k++) {
      const at = (linear + k) | 0;
      const host = at >>> 12 === linear >>> 12 ? (first < 0 ? -1 : first + k) : second < 0 ? -1 : second + (at & 0xfff);
      if (host >= 0) this.u8[host] = value >>> (8 * k);
    }
    // Stores into pages holding code: tell the code caches which bytes changed.
    if (first >= 0 && this.codePages[(first - RAM_BASE) >>> 12] !== 0) {
      const firstBytes = Math.min(bytes, 0x1000 - (linear & 0xfff));
      this.cpu.notifyCodeWrite(first - RAM_BASE, firstBytes);
    }
    if (second >= 0 && second !== first && this.codePages[(second - RAM_BASE) >>> 12] !== 0) {
      this.cpu.notifyCodeWrite(second - RAM_BASE - (second & 0xfff), bytes - Math.min(bytes, 0x1000 - (linear & 0xfff)));
    }
  }

  // ---- code pages (self-modifying code) ----
  isCodePage(physicalPage: number): boolean {
    return this.codePages[physicalPage] === 1;
  }

  markCode(physicalPage: number): void {
    if (physicalPage >= this.codePages.length || this.codePages[physicalPage] !== 0) return;
    this.codePages[physicalPage] = 1;
    this.updateEntriesOfPage(physicalPage, true);
  }

  unmarkCode(physicalPage: number): void {
    if (physicalPage >= this.codePages.length || this.codePages[physicalPage] === 0) return;
    this.codePages[physicalPage] = 0;
    this.updateEntriesOfPage(physicalPage, false);
  }

  private updateEntriesOfPage(physicalPage: number, code: boolean): void {
    const i32 = this.i32;
    const host = RAM_BASE + physicalPage * PAGE_SIZE;
    if (this.overflowed) {
      // Without a complete fill list, forget everything rather than scan 1 Mi entries.
      this.flushAll();
      return;
    }
    for (let n = 0; n < this.fillCount; n++) {
      const page = i32[FILL_INDEX + n]!;
      const entry = i32[TLB_INDEX + page]!;
      if (entry !== 0 && ((entry ^ (page << 12)) & ~TLB_FLAG_BITS) === host) {
        i32[TLB_INDEX + page] = code ? entry | TlbFlag.Code : entry & ~TlbFlag.Code;
      }
    }
  }

  // ---- flushes ----
  flushAll(): void {
    const i32 = this.i32;
    if (this.overflowed) {
      i32.fill(0, TLB_INDEX, TLB_INDEX + TLB_ENTRIES);
    } else {
      for (let n = 0; n < this.fillCount; n++) i32[TLB_INDEX + i32[FILL_INDEX + n]!] = 0;
    }
    this.fillCount = 0;
    this.overflowed = false;
    for (const listener of this.flushListeners) listener();
  }

  flushNonGlobal(): void {
    const i32 = this.i32;
    if (this.overflowed) {
      this.flushAll();
      return;
    }
    let kept = 0;
    for (let n = 0; n < this.fillCount; n++) {
      const page = i32[FILL_INDEX + n]!;
      const entry = i32[TLB_INDEX + page]!;
      if ((entry & TlbFlag.Global) !== 0) i32[FILL_INDEX + kept++] = page;
      else i32[TLB_INDEX + page] = 0;
    }
    this.fillCount = kept;
    for (const listener of this.flushListeners) listener();
  }

  invalidatePage(linear: number): void {
    // The fill list may keep the stale index; clearing the entry is enough (fill re-adds it only if 0).
    this.i32[TLB_INDEX + (linear >>> 12)] = 0;
    for (const listener of this.flushListeners) listener(linear >>> 12);
  }

  /** Apply the TLB consequences of a control-register write (SDM Vol.3 4.10.4.1). */
  onControlRegisterWrite(n: number, oldValue: number, newValue: number): void {
    if (n === 3) this.flushNonGlobal();
    else if (n === 0 && ((oldValue ^ newValue) & (CR0_PG | CR0_WP | 1)) !== 0) this.flushAll();
    else if (n === 4 && ((oldValue ^ newValue) & (CR4_PSE | CR4_PGE)) !== 0) this.flushAll();
  }
}
