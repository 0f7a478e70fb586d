/**
 * Shadow-TLB entry format, shared by the TypeScript MMU and the code the translator emits.
 *
 * One 32-bit entry per 4 KiB linear page at TLB_BASE + (linear >>> 12) * 4:
 *   bits 31..12  hostPage XOR linearPage   (host = linear memory offset of the guest physical page)
 *   bits 11..0   permission flags below
 * An entry of 0 is empty. The fast path of an access of kind K at privilege P is
 *   entry = i32[TLB_BASE/4 + (linear >>> 12)];
 *   if ((entry & mask(K, P)) === expected(K, P)) host = (entry & ~0xFFF) ^ linear;  // then access
 * i.e. one load, one AND, one compare and one XOR; anything else takes the slow path (walk, fill,
 * fault, dirty-bit update, code-page write, non-RAM).
 */

export const TlbFlag = {
  /** Readable at CPL 0-2 (and by implicit supervisor accesses). */
  ReadSupervisor: 0x001,
  /** Writable at CPL 0-2. */
  WriteSupervisor: 0x002,
  ReadUser: 0x004,
  WriteUser: 0x008,
  /** The physical page holds decoded or translated code: writes must take the slow path. */
  Code: 0x010,
  /** Global page (PTE.G with CR4.PGE): kept across CR3 writes. */
  Global: 0x020,
} as const;

export const TLB_FLAG_BITS = 0xfff;

/** Mask and expected value of the fast-path test for a read or a write at user or supervisor level. */
export function fastPathTest(write: boolean, user: boolean): { mask: number; expected: number } {
  if (write) {
    const need = user ? TlbFlag.WriteUser : TlbFlag.WriteSupervisor;
    return { mask: need | TlbFlag.Code, expected: need };
  }
  const need = user ? TlbFlag.ReadUser : TlbFlag.ReadSupervisor;
  return { mask: need, expected: need };
}

/**
 * A segment the inline fast paths treat as flat data: present (0x80), code/data (0x10), data (bit 3
 * clear), writable (0x02), expand-up (bit 2 clear), i.e. (access & mask) === expected, with base 0
 * and limit 0xFFFFFFFF: no segment check can fail for any offset (SDM Vol.3 3.4.5.1).
 */
export const FLAT_DATA_ACCESS = { mask: 0x9e, expected: 0x92 } as const;
