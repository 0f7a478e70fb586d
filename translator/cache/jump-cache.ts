/**
 * The jump cache: a direct-mapped table in linear memory from (EIP, CS base, mode word) to the table
 * slot of a compiled region. The wasm dispatcher reads it after every region exit, so compiled code
 * reaches compiled code without returning to JavaScript; the runtime fills it whenever it enters a
 * compiled region from the interpreter loop.
 *
 * An entry is valid only while the linear→physical mapping of its page is the one it was filled
 * under: every shadow-TLB flush (CR3 write, INVLPG, paging mode change) clears it. A released slot
 * (invalidated or evicted translation) is cleared from every entry that names it before the slot
 * can be reused; slot 0 is never a region (the dispatcher's stale stub), so a zeroed entry is a miss.
 */
import binaryen from "binaryen";
import { JUMP_CACHE_BASE, JUMP_CACHE_ENTRIES, JUMP_CACHE_ENTRY_SIZE, JumpCacheField } from "../../runtime/state/layout.js";

const WORDS = JUMP_CACHE_ENTRY_SIZE >> 2;
const BASE_WORD = JUMP_CACHE_BASE >> 2;

/** Index of the entry for `eip` (the dispatcher computes the same with emitEntryAddress). */
export function jumpCacheIndex(eip: number): number {
  return (eip ^ (eip >>> 12)) & (JUMP_CACHE_ENTRIES - 1);
}

/** Byte address of the entry for the EIP in `eip` (a wasm expression; the same hash as jumpCacheIndex). */
export function emitEntryAddress(m: binaryen.Module, eip: () => number): number {
  const index = m.i32.and(m.i32.xor(eip(), m.i32.shr_u(eip(), m.i32.const(12))), m.i32.const(JUMP_CACHE_ENTRIES - 1));
  return m.i32.add(m.i32.shl(index, m.i32.const(Math.log2(JUMP_CACHE_ENTRY_SIZE))), m.i32.const(JUMP_CACHE_BASE));
}

export class JumpCache {
  /** Entries filled since the last flush, so a flush costs what was filled. */
  private filled: number[] = [];
  /** For each slot, the entries that named it when filled (checked again before clearing). */
  private readonly entriesOfSlot = new Map<number, number[]>();

  constructor(private readonly i32: Int32Array) {}

  install(eip: number, csBase: number, mode: number, lastOffset: number, slot: number): void {
    const index = jumpCacheIndex(eip);
    const at = BASE_WORD + index * WORDS;
    const i32 = this.i32;
    if (i32[at + (JumpCacheField.slot >> 2)] === slot && i32[at] === (eip | 0) && i32[at + 1] === (csBase | 0) && i32[at + 2] === mode) return;
    i32[at + (JumpCacheField.eip >> 2)] = eip;
    i32[at + (JumpCacheField.csBase >> 2)] = csBase;
    i32[at + (JumpCacheField.mode >> 2)] = mode;
    i32[at + (JumpCacheField.lastOffset >> 2)] = lastOffset;
    i32[at + (JumpCacheField.slot >> 2)] = slot;
    this.filled.push(index);
    if (this.filled.length > 2 * JUMP_CACHE_ENTRIES) this.filled = [...new Set(this.filled)];
    const list = this.entriesOfSlot.get(slot);
    if (list === undefined) this.entriesOfSlot.set(slot, [index]);
    else if (!list.includes(index)) list.push(index);
  }

  /** Clear every entry that names `slot` (before the slot is reused). */
  forgetSlot(slot: number): void {
    const list = this.entriesOfSlot.get(slot);
    if (list === undefined) return;
    for (const index of list) {
      const at = BASE_WORD + index * WORDS;
      if (this.i32[at + (JumpCacheField.slot >> 2)] === slot) this.clearEntry(at);
    }
    this.entriesOfSlot.delete(slot);
  }

  /** Clear everything (the linear→physical mapping changed). */
  flush(): void {
    for (const index of this.filled) this.clearEntry(BASE_WORD + index * WORDS);
    this.filled.length = 0;
    this.entriesOfSlot.clear();
  }

  /** Clear the entries whose code lies in the 4 KiB linear page `linearPage` (INVLPG). */
  flushPage(linearPage: number): void {
    const i32 = this.i32;
    for (const index of this.filled) {
      const at = BASE_WORD + index * WORDS;
      if (((i32[at]! + i32[at + 1]!) >>> 12) === linearPage >>> 0) this.clearEntry(at);
    }
  }

  private clearEntry(at: number): void {
    this.i32.fill(0, at, at + WORDS);
  }
}
