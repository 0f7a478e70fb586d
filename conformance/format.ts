/**
 * The conformance vector format (one JSON object per line, gzipped, in conformance/vectors/).
 * Numbers are unsigned 32-bit; `code` is hex.
 */
export const REGISTER_NAMES = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;
export type Registers = Record<(typeof REGISTER_NAMES)[number], number>;

export interface VectorPage {
  /** Linear address (4 KiB aligned). */
  address: number;
  /** 1 read-only, 3 read/write, 5 read/execute (the code page). */
  perm: 1 | 3 | 5;
  /** Contents: pageContent(seed) (page-content.ts), with the code written over it on the code page. */
  seed: number;
}

export interface ConformanceVector {
  id: string;
  /** Instruction class (from the opcode table) the vector was generated for. */
  class: string;
  /** Mnemonics of the snippet, in order. */
  mnemonics: string[];
  code: string;
  codeAddress: number;
  initial: { regs: Registers; eflags: number; pages: VectorPage[] };
  final: {
    regs: Registers;
    eflags: number;
    eip: number;
    /** Bytes that differ from the initial contents of the writable pages. */
    memory: [address: number, byte: number][];
    /** Data segment selectors after the snippet. */
    segments: { ds: number; es: number; fs: number };
    exception: null | { vector: number; errorCode: number; cr2: number };
  };
  /** EFLAGS bits to ignore: the union of the snippet rows' undefined flags. */
  undefinedFlags: number;
}
