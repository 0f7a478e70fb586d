/**
 * Architectural exceptions raised while executing a guest instruction.
 *
 * A fault is thrown as a `CpuFault` from wherever it is detected (MMU, segmentation, a semantic's
 * `raise`, a helper) and caught by the tier that runs the instruction, which restores EIP to the
 * faulting instruction and delivers it (runtime/exceptions/deliver.ts). Because semantics perform every
 * check before their first state write, nothing needs undoing.
 */

/** Exception vectors (SDM Vol.3 6.3.1, Table 6-1). */
export const enum Vector {
  DE = 0,
  DB = 1,
  NMI = 2,
  BP = 3,
  OF = 4,
  BR = 5,
  UD = 6,
  NM = 7,
  DF = 8,
  TS = 10,
  NP = 11,
  SS = 12,
  GP = 13,
  PF = 14,
  MF = 16,
  AC = 17,
  MC = 18,
  XM = 19,
}

export const VECTOR_NAMES: Record<number, string> = {
  0: "#DE", 1: "#DB", 2: "NMI", 3: "#BP", 4: "#OF", 5: "#BR", 6: "#UD", 7: "#NM", 8: "#DF",
  10: "#TS", 11: "#NP", 12: "#SS", 13: "#GP", 14: "#PF", 16: "#MF", 17: "#AC", 18: "#MC", 19: "#XM",
};

/** Vectors that push an error code (SDM Vol.3 6.13). */
export function hasErrorCode(vector: number): boolean {
  return vector === 8 || (vector >= 10 && vector <= 14) || vector === 17;
}

export class CpuFault extends Error {
  constructor(
    readonly vector: number,
    /** Error code, or -1 when the vector has none. */
    readonly errorCode: number = -1,
  ) {
    super(`${VECTOR_NAMES[vector] ?? `vector ${vector}`}${errorCode >= 0 ? `(${errorCode.toString(16)})` : ""}`);
  }
}

export function fault(vector: number, errorCode = -1): never {
  throw new CpuFault(vector, errorCode);
}
