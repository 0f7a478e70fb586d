/** Kinds of memory access, as the MMU distinguishes them (SDM Vol.3 4.6: user/supervisor, read/write). */
export const enum Access {
  Read = 0,
  Write = 1,
  /** Instruction fetch: a read for permission purposes (no NX before PAE), reported as such in #PF. */
  Fetch = 2,
}

/**
 * The interface the rest of the runtime uses to reach guest memory by linear address. Implemented by
 * runtime/mmu/mmu.ts (shadow TLB + page walker). `supervisor` marks implicit supervisor accesses
 * (descriptor tables, TSS) that ignore CPL (SDM Vol.3 4.6).
 */
export interface LinearMemory {
  read8(linear: number, supervisor?: boolean): number;
  read16(linear: number, supervisor?: boolean): number;
  read32(linear: number, supervisor?: boolean): number;
  write8(linear: number, value: number, supervisor?: boolean): void;
  write16(linear: number, value: number, supervisor?: boolean): void;
  write32(linear: number, value: number, supervisor?: boolean): void;
  /** Fault now (as a write would) unless `bytes` bytes at `linear` are writable; writes nothing. */
  probeWrite(linear: number, bytes: number, supervisor?: boolean): void;
  /** Linear → host offset in linear memory for an access of kind `access`; faults like an access. */
  translate(linear: number, access: Access, supervisor?: boolean): number;
  /** Forget every translation (CR0.PG/WP, CR4.PSE/PGE changes). */
  flushAll(): void;
  /** Forget non-global translations (a CR3 write). */
  flushNonGlobal(): void;
  /** Told of every flush (with the linear page number for a one-page INVLPG flush). */
  readonly flushListeners: ((linearPage?: number) => void)[];
  /** True if the physical page holds decoded or translated code (stores into it must notify). */
  isCodePage(physicalPage: number): boolean;
  /** Forget the translation of one page (INVLPG). */
  invalidatePage(linear: number): void;
}
