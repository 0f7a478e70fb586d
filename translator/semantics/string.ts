/**
 * String instructions (SDM Vol.2 MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS) with their REP/REPE/REPNE
 * prefixes. The element loop lives in one runtime helper per instruction (runtime/helpers/string.ts),
 * called identically by both tiers: it carries the page-wise fast path for long REP MOVS/STOS. Short
 * REP MOVS/STOS and REPNE SCASB in mapped RAM complete here instead, through host ranges.
 */
import type { Builder, Semantic, Size } from "./builder.js";
import { ARITHMETIC_FLAGS, Flag, FlagOp } from "./flags.js";
import { Reg, Seg } from "../../runtime/state/layout.js";
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

/** The helper call that does any string instruction in full (element by element, page-wise bulk). */
function callHelper<V>(b: Builder<V>, i: Instruction, name: HelperName, repeat: RepeatKind): V {
  return b.helper(name, b.constant(elementSize(i)), b.constant(i.addressSize), b.constant(i.segment), b.constant(repeat));
}

function repeatKind(i: Instruction): RepeatKind {
  return i.prefixes & Prefix.Rep ? RepeatKind.Repeat : i.prefixes & Prefix.Repne ? RepeatKind.RepeatNotEqual : RepeatKind.None;
}

function elementSize(i: Instruction): Size {
  return (i.operands.find((op) => op.size > 0 && op.kind >= 8)?.size ?? i.operands[0]!.size) as Size;
}

/**
 * A REP instruction that did not finish (the helper's step budget ran out with elements left) is
 * executed again: interrupts and the time slice are checked in between.
 */
function repeatIfUnfinished<V>(b: Builder<V>, repeat: RepeatKind, unfinished: V): void {
  if (repeat !== RepeatKind.None) b.branch(unfinished, b.instructionPointer());
}

function stringHelper(name: HelperName): Semantic {
  return <V>(b: Builder<V>, i: Instruction) => {
    const repeat = repeatKind(i);
    repeatIfUnfinished(b, repeat, callHelper(b, i, name, repeat));
  };
}

/**
 * The whole of a REP MOVS/STOS/SCAS at once when it is short and lies in mapped RAM (the common
 * memcpy/memset/strlen of a few bytes to a page): forward (DF = 0), 32-bit addresses, ECX elements
 * that fit in one page of each operand, both ranges a fast-path TLB hit (hostRange). Anything else —
 * a fault to raise, a page to walk, code to invalidate, an overlap that a forward element copy
 * would see — goes to the helper, which does the same thing element by element.
 */
function fastRepeatable<V>(b: Builder<V>, i: Instruction, repeat: RepeatKind): V | null {
  if (repeat === RepeatKind.None || i.addressSize !== 32) return null;
  const count = b.getReg(32, Reg.ECX);
  const forward = b.eqz(b.getFlag(Flag.DF));
  // ECX elements fit in a page (checked before the byte count, which could wrap).
  return b.and(forward, b.and(b.ne(count, b.constant(0)), b.leU(count, b.constant(0x1000 / (elementSize(i) >> 3)))));
}

const ELEMENT_SHIFT = { 8: 0, 16: 1, 32: 2 } as const;

/** `inline` when `fast` holds (it completes the instruction), else the helper; then repeat if unfinished. */
function inlineElseHelper<V>(b: Builder<V>, i: Instruction, name: HelperName, repeat: RepeatKind, fast: V, inline: () => void): void {
  const unfinished = b.ifElse(fast, () => {
    inline();
    return b.constant(0);
  }, () => callHelper(b, i, name, repeat));
  repeatIfUnfinished(b, repeat, unfinished);
}

const repMovs: Semantic = <V>(b: Builder<V>, i: Instruction) => {
  const repeat = repeatKind(i);
  const applies = fastRepeatable(b, i, repeat);
  if (applies === null) return repeatIfUnfinished(b, repeat, callHelper(b, i, "movs", repeat));
  const count = b.getReg(32, Reg.ECX);
  const bytes = b.shl(count, b.constant(ELEMENT_SHIFT[elementSize(i)]));
  const esi = b.getReg(32, Reg.ESI);
  const edi = b.getReg(32, Reg.EDI);
  const source = b.hostRange(i.segment, esi, bytes, false);
  const destination = b.hostRange(Seg.ES, edi, bytes, true);
  // A destination inside (source, source + bytes) would see bytes the copy itself wrote.
  const overlap = b.and(b.ltU(source, destination), b.ltU(destination, b.add(source, bytes)));
  const mapped = b.and(b.ne(source, b.constant(-1)), b.ne(destination, b.constant(-1)));
  const fast = b.and(applies, b.and(mapped, b.eqz(overlap)));
  inlineElseHelper(b, i, "movs", repeat, fast, () => {
    b.copyHost(destination, source, bytes);
    b.setReg(32, Reg.ESI, b.add(esi, bytes));
    b.setReg(32, Reg.EDI, b.add(edi, bytes));
    b.setReg(32, Reg.ECX, b.constant(0));
  });
};

const repStos: Semantic = <V>(b: Builder<V>, i: Instruction) => {
  const repeat = repeatKind(i);
  const applies = fastRepeatable(b, i, repeat);
  if (applies === null) return repeatIfUnfinished(b, repeat, callHelper(b, i, "stos", repeat));
  const size = elementSize(i);
  const count = b.getReg(32, Reg.ECX);
  const bytes = b.shl(count, b.constant(ELEMENT_SHIFT[size]));
  const edi = b.getReg(32, Reg.EDI);
  const value = b.getReg(size, Reg.EAX);
  // A byte fill stores the element only when all its bytes are equal (memset of 0, -1, …).
  const uniform = size === 8 ? b.constant(1) : b.eq(value, b.mul(b.zext(8, value), b.constant(size === 16 ? 0x0101 : 0x01010101)));
  const destination = b.hostRange(Seg.ES, edi, bytes, true);
  const fast = b.and(applies, b.and(uniform, b.ne(destination, b.constant(-1))));
  inlineElseHelper(b, i, "stos", repeat, fast, () => {
    b.fillHost(destination, value, bytes);
    b.setReg(32, Reg.EDI, b.add(edi, bytes));
    b.setReg(32, Reg.ECX, b.constant(0));
  });
};

/**
 * REPNE SCASB (strlen, memchr): the bytes up to the end of EDI's page are scanned at once; when that
 * decides the instruction (AL found there, or ECX ends in the page) it completes here with the flags
 * of the last comparison, else the helper does it all.
 */
const repneScas: Semantic = <V>(b: Builder<V>, i: Instruction) => {
  const repeat = repeatKind(i);
  if (repeat !== RepeatKind.RepeatNotEqual || elementSize(i) !== 8 || i.addressSize !== 32) return repeatIfUnfinished(b, repeat, callHelper(b, i, "scas", repeat));
  const count = b.getReg(32, Reg.ECX);
  const edi = b.getReg(32, Reg.EDI);
  const al = b.getReg(8, Reg.EAX);
  const room = b.sub(b.constant(0x1000), b.and(edi, b.constant(0xfff)));
  const inPage = b.leU(count, room);
  const length = b.select(inPage, count, room);
  const start = b.hostRange(Seg.ES, edi, length, false);
  const mapped = b.and(b.and(b.eqz(b.getFlag(Flag.DF)), b.ne(count, b.constant(0))), b.ne(start, b.constant(-1)));
  // Nothing is read unless the range is mapped: the scan is then of zero bytes.
  const scanned = b.select(mapped, length, b.constant(0));
  const index = b.scanHost(b.select(mapped, start, b.constant(0)), al, scanned);
  const found = b.ltU(index, scanned);
  const fast = b.and(mapped, b.or(found, inPage));
  inlineElseHelper(b, i, "scas", repeat, fast, () => {
    const examined = b.select(found, b.add(index, b.constant(1)), length);
    const last = b.readHost8(b.add(start, b.sub(examined, b.constant(1))));
    b.setReg(32, Reg.EDI, b.add(edi, examined));
    b.setReg(32, Reg.ECX, b.sub(count, examined));
    b.setFlags(FlagOp.Sub, 8, b.zext(8, b.sub(al, last)), al, last, ARITHMETIC_FLAGS);
  });
};

export const stringSemantics = {
  MOVS: repMovs,
  CMPS: stringHelper("cmps"),
  STOS: repStos,
  LODS: stringHelper("lods"),
  SCAS: repneScas,
  INS: stringHelper("ins"),
  OUTS: stringHelper("outs"),
} satisfies Record<string, Semantic>;
