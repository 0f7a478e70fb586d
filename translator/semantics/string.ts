/**
 * String instructions (SDM Vol.2 MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS) with their REP/REPE/REPNE
 * prefixes. The element loop lives in one runtime helper per instruction (runtime/helpers/string.ts),
 * called identically by both tiers: it carries the page-wise fast path for long REP MOVS/STOS.
 */
import type { Builder, Semantic } from "./builder.js";
import type { HelperName } from "./helpers.js";
import { Prefix, type Instruction } from "../isa/types.js";

/** REP kinds passed to the helpers. */
export const enum RepeatKind {
  None = 0,
  /** F3: REP, or REPE/REPZ for CMPS/SCAS. */
  Repeat = 1,
  /** F2: REPNE/REPNZ (for MOVS/STOS/LODS it repeats like REP). */
  RepeatNotEqual = 2,
}

function stringHelper(name: HelperName): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const repeat = i.prefixes & Prefix.Rep ? RepeatKind.Repeat : i.prefixes & Prefix.Repne ? RepeatKind.RepeatNotEqual : RepeatKind.None;
    const size = i.operands.find((op) => op.size > 0 && op.kind >= 8)?.size ?? i.operands[0]!.size;
    const unfinished = b.helper(name, b.constant(size), b.constant(i.addressSize), b.constant(i.segment), b.constant(repeat));
    // A REP helper returns 1 when its step budget ran out with elements left: execute the same
    // instruction again (interrupts and the time slice are checked in between).
    if (repeat !== RepeatKind.None) b.branch(unfinished, b.instructionPointer());
  };
}

export const stringSemantics = {
  MOVS: stringHelper("movs"),
  CMPS: stringHelper("cmps"),
  STOS: stringHelper("stos"),
  LODS: stringHelper("lods"),
  SCAS: stringHelper("scas"),
  INS: stringHelper("ins"),
  OUTS: stringHelper("outs"),
} satisfies Record<string, Semantic>;
