/**
 * The one declaration of where everything lives in the machine's linear memory.
 *
 * Both tiers see the same bytes: the TypeScript runtime through typed-array views at these offsets,
 * generated WebAssembly through the same numbers as constants. No other file hard-codes an offset.
 *
 *   0x0000_0000  CPU state block          (STATE_SIZE bytes)
 *   0x0000_2000  TLB fill list            (indices of filled shadow-TLB entries, for cheap flushes)
 *   0x0004_0000  shadow TLB               (one 32-bit entry per 4 KiB virtual page: 4 MiB)
 *   0x0044_0000  code-page bitmap         (one bit per 64-byte granule of guest RAM holding translated code)
 *   0x0064_0000  jump cache               (EIP → compiled region, read by the wasm dispatcher)
 *   RAM_BASE     guest physical RAM       (ramSize bytes, a multiple of 4 KiB)
 *   RAM_BASE+ramSize  scratch page        (never addressable by the guest)
 */

/** Byte offsets of the CPU state fields, from the start of linear memory. */
export const State = {
  /** Eight 32-bit general registers in x86 encoding order: EAX ECX EDX EBX ESP EBP ESI EDI. */
  regs: 0x000,
  eip: 0x020,
  /**
   * EFLAGS. The arithmetic flags (OF SF ZF AF PF CF) named in `lazyPending` are stale here and must be
   * computed from the lazy-flag record below; every other bit is exact.
   */
  eflags: 0x024,
  /** Lazy flags: which arithmetic-flag bits are pending (a subset of 0x8D5). */
  lazyPending: 0x028,
  /** Lazy flags: the operation (a `FlagOp`) that produced them, combined with its size (see flags.ts). */
  lazyOp: 0x02c,
  lazyResult: 0x030,
  lazySrc1: 0x034,
  lazySrc2: 0x038,
  /** Interrupt shadow after STI / MOV SS / POP SS: 1 while the next instruction must not be interrupted. */
  interruptShadow: 0x03c,

  /**
   * Six segment registers in x86 encoding order (ES CS SS DS FS GS), SEGMENT_SIZE bytes each:
   * selector, base, limit (byte granular, already scaled by G), access rights (descriptor bytes 5..6
   * as in LAR >> 8: type, S, DPL, P, AVL, D/B, G).
   */
  segments: 0x040,

  /** LDTR and TR: same 16-byte shape as a segment register. */
  ldtr: 0x0a0,
  tr: 0x0b0,
  gdtrBase: 0x0c0,
  gdtrLimit: 0x0c4,
  idtrBase: 0x0c8,
  idtrLimit: 0x0cc,

  cr0: 0x0d0,
  cr2: 0x0d4,
  cr3: 0x0d8,
  cr4: 0x0dc,
  /** Current privilege level (0..3); equals CS.RPL in protected mode, 0 in real mode. */
  cpl: 0x0e0,
  /** Debug registers DR0..DR7 (stored, not yet acted upon). */
  dr: 0x0e4,

  /** The last time-stamp counter value read or written, 64-bit little-endian (reads never repeat it). */
  tsc: 0x108,
  /** Guest instructions retired, 64-bit little-endian (a float64 would lose the low bits after 2^53). */
  instructionCount: 0x110,
  /** Why the last run stopped (an `ExitReason`) and its argument. */
  exitReason: 0x118,
  exitValue: 0x11c,
  /** 1 while the CPU is halted (HLT with interrupts enabled, waiting for an interrupt). */
  halted: 0x120,
  /** Instructions left in the current time slice; tiers decrement it and stop at zero. */
  budget: 0x124,
  /** Set by anyone (device, SMC invalidation) who needs the running code to return to the run loop soon. */
  stopRequest: 0x128,

  /** EIP of the instruction compiled code is executing (a fault restores EIP from here). */
  instructionEip: 0x12c,
  /** Set when a store changed bytes that decoded or translated code covers. */
  codeChanged: 0x13c,
  /** Instructions retired by the last run of a compiled region (it may leave at any branch). */
  retired: 0x140,
  /**
   * Instructions retired by compiled regions since the wasm dispatcher was entered, stored before
   * each region runs: when a region faults, the runtime still knows what the earlier ones retired.
   */
  dispatched: 0x144,
  /**
   * Set by compiled code after every helper call (helpers are the only way compiled code changes
   * segments, CR0 or CPL): the dispatcher then computes the mode word again before the next region.
   */
  modeStale: 0x150,

  /**
   * The time-stamp counter minus the retired-instruction count, 64-bit little-endian: RDTSC reads
   * instructionCount + tscOffset (WRMSR to the TSC moves the offset). See runtime/helpers/callouts.ts.
   */
  tscOffset: 0x148,

  /** Model-specific registers that the P6 identity exposes (SYSENTER_CS/ESP/EIP). */
  sysenterCs: 0x130,
  sysenterEsp: 0x134,
  sysenterEip: 0x138,

  /** Scratch words for callouts that return more than one value to generated code. */
  scratch: 0x180,
} as const;

export const SEGMENT_SIZE = 16;
export const SegmentField = { selector: 0, base: 4, limit: 8, access: 12 } as const;

/** Bytes reserved for the state block (room for x87/SSE state in later milestones). */
export const STATE_SIZE = 0x2000;

export const TLB_FILL_LIST = 0x2000;
/** Entries the fill list holds; past this a flush clears the whole table instead. */
export const TLB_FILL_LIST_CAPACITY = (0x40000 - 0x2000) / 4 - 1;
export const TLB_BASE = 0x40000;
export const TLB_ENTRIES = 1 << 20;
export const TLB_SIZE = TLB_ENTRIES * 4;

/** Translated-code bitmap: one bit per CODE_GRANULE bytes of guest physical memory. */
export const CODE_GRANULE_SHIFT = 6;
export const CODE_BITMAP_BASE = TLB_BASE + TLB_SIZE;
/** Enough bits for 4 GiB of RAM would be 8 MiB; we size it for the largest RAM we allow (1 GiB). */
export const MAX_RAM_SIZE = 1 << 30;
export const CODE_BITMAP_SIZE = MAX_RAM_SIZE >>> (CODE_GRANULE_SHIFT + 3);

/**
 * The jump cache: where compiled code leaves a region, the dispatcher (translator/backend/dispatcher.ts)
 * finds the next region here by EIP without returning to JavaScript. Direct-mapped, keyed by
 * (EIP, CS base, mode word); see translator/cache/jump-cache.ts.
 */
export const JUMP_CACHE_BASE = CODE_BITMAP_BASE + CODE_BITMAP_SIZE;
export const JUMP_CACHE_ENTRIES = 4096;
export const JUMP_CACHE_ENTRY_SIZE = 32;
export const JumpCacheField = { eip: 0, csBase: 4, mode: 8, lastOffset: 12, slot: 16 } as const;

/** Guest physical address 0 lives here; 4 MiB aligned so that host offsets keep their page bits. */
export const RAM_BASE = 0x0100_0000;

export const DEFAULT_RAM_SIZE = 128 << 20;
export const PAGE_SIZE = 4096;
export const WASM_PAGE = 65536;

/** Total linear memory for a machine with `ramSize` bytes of RAM (plus one scratch page). */
export function linearMemorySize(ramSize: number): number {
  return RAM_BASE + ramSize + WASM_PAGE;
}

/** Offset of the scratch page that follows RAM. */
export function scratchBase(ramSize: number): number {
  return RAM_BASE + ramSize;
}

/** Segment register numbers, in x86 encoding order. */
export const enum Seg {
  ES = 0,
  CS = 1,
  SS = 2,
  DS = 3,
  FS = 4,
  GS = 5,
}
export const SEGMENT_NAMES = ["ES", "CS", "SS", "DS", "FS", "GS"] as const;

/** General register numbers, in x86 encoding order. */
export const enum Reg {
  EAX = 0,
  ECX = 1,
  EDX = 2,
  EBX = 3,
  ESP = 4,
  EBP = 5,
  ESI = 6,
  EDI = 7,
}
export const REG32_NAMES = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;

export function segmentOffset(seg: number, field: keyof typeof SegmentField): number {
  return State.segments + seg * SEGMENT_SIZE + SegmentField[field];
}

/** Why a run stopped. */
export const enum ExitReason {
  None = 0,
  /** The instruction budget ran out. */
  Budget = 1,
  /** HLT with interrupts disabled: nothing can ever wake the CPU. */
  HaltForever = 2,
  /** HLT with interrupts enabled: waiting for a device interrupt. */
  Halt = 3,
  /** A write to the debug-exit port; exitValue holds the written value. */
  DebugExit = 4,
  /** A fault that cannot be delivered (triple fault). */
  TripleFault = 5,
  /** An exception the embedder asked to see instead of delivering it (conformance runs). */
  Exception = 6,
  /** The embedder asked the machine to stop. */
  Stopped = 7,
  /** The guest used a feature warp86 does not model yet (task gates): stopped rather than faked. */
  Unsupported = 8,
}
