/**
 * Pages kept across the iterations of an inner loop: an entry segment of a region that branches back
 * to its own start (a wasm `loop`, wasm-builder.ts segmentLoopBranch) gives each of its first
 * accesses (up to SITES_PER_LOOP; SS ones use the region's stack page) a page of its own, kept in an
 * i64 base and an i32 host key like the stack page (memory-access.ts emitKeptAccess). A row walked
 * by a loop, a column with a stride under a page, a table: the full TLB probe runs once per page
 * instead of once per iteration. The locals are set to "no page" (2^32) each time control enters
 * the segment from outside (statements put before its `loop`), and after every helper in it, so
 * they live only inside the loop. Like every kept page, a site's is one that allows writes, so the
 * later accesses of the same base register can share it (address-groups.ts).
 */
import binaryen from "binaryen";
import { OperandKind, type Instruction } from "../isa/types.js";
import { relativeTarget } from "../isa/control-flow.js";
import type { KeptPage } from "./memory-access.js";
import { KeptPageSet } from "./kept-page-set.js";

type Expression = number;


/** Sites per loop at most: each adds two values live around the loop. */
const SITES_PER_LOOP = 4;

/**
 * Entry indices whose segment (the instructions up to the next entry) holds a direct branch back to
 * the segment's first instruction: the segments that become wasm loops.
 */
export function loopSegments(instructions: readonly Instruction[], eips: readonly number[], entryIndices: Iterable<number>, code16: boolean): Set<number> {
  const starts = [...entryIndices].sort((a, b) => a - b);
  const loops = new Set<number>();
  let segment = 0;
  instructions.forEach((instruction, n) => {
    while (segment + 1 < starts.length && starts[segment + 1]! <= n) segment++;
    const start = starts[segment];
    if (start !== undefined && relativeTarget(instruction, eips[n]!, code16) === eips[start]) loops.add(start);
  });
  return loops;
}

/** Mnemonics whose first operand is only read. */
const READS_FIRST = new Set(["CMP", "TEST", "PUSH", "BT", "OUT", "JMP", "CALL"]);
/**
 * Registers some mnemonics write besides their operands. The opcode table does not record register
 * writes; this list only steers a speed guess (loopAccessSites), so a gap costs speed, not results.
 */
const IMPLICIT_WRITES: Record<string, readonly number[]> = {
  MUL: [0, 2], IMUL: [0, 2], DIV: [0, 2], IDIV: [0, 2], CDQ: [2], CWD: [2], CWDE: [0], CBW: [0],
  MOVS: [1, 6, 7], STOS: [1, 7], LODS: [0, 1, 6], SCAS: [1, 7], CMPS: [1, 6, 7], INS: [1, 7], OUTS: [1, 6],
  LOOP: [1], LOOPE: [1], LOOPNE: [1], CPUID: [0, 1, 2, 3], RDTSC: [0, 2], RDMSR: [0, 2], XLAT: [0],
  CMPXCHG: [0], IN: [0], LAHF: [0], POPA: [0, 1, 2, 3, 5, 6, 7], LEAVE: [5],
};
/** Steps above this are as good as random for a page kept across iterations. */
const MAX_STEP = 0x800;

/**
 * The instructions (by index) whose memory operand is worth a page of its own in the inner loop
 * they are in: each register of its address is either not written in the loop, or only stepped by a
 * small constant (ADD/SUB of an immediate, INC/DEC, LEA of itself plus a displacement), or last
 * written before the access with a small value (MOVZX of a byte, AND with a small mask: a table
 * index), so the address walks through a page or stays in one or two. An address computed from
 * data (a hash, a loaded value) would miss its page nearly every time and pay for the test on top
 * of the probe. This is a guess that only affects speed: any access is correct either way.
 */
export function loopAccessSites(instructions: readonly Instruction[], entryIndices: Iterable<number>, loops: ReadonlySet<number>): Set<number> {
  const starts = [...entryIndices].sort((a, b) => a - b);
  const sites = new Set<number>();
  starts.forEach((start, s) => {
    if (!loops.has(start)) return;
    const end = starts[s + 1] ?? instructions.length;
    const written = new Set<number>();
    const stepped = new Set<number>();
    const write = (reg: number, step: boolean) => {
      if (!step) written.add(reg);
      else stepped.add(reg);
    };
    for (let n = start; n < end; n++) {
      const i = instructions[n]!;
      for (const reg of IMPLICIT_WRITES[i.mnemonic] ?? []) write(reg, false);
      if (i.mnemonic === "PUSH" || i.mnemonic === "POP" || i.mnemonic === "CALL" || i.mnemonic === "RET") write(4, true);
      const [first, second] = i.operands;
      if (first?.kind !== OperandKind.Reg || READS_FIRST.has(i.mnemonic)) continue;
      const reg = first.size === 8 && first.reg >= 4 ? first.reg - 4 : first.reg;
      const small = (v: number) => Math.abs(v) <= MAX_STEP;
      const step =
        first.size === 32 &&
        (((i.mnemonic === "ADD" || i.mnemonic === "SUB") && second?.kind === OperandKind.Imm && small(second.value)) ||
          i.mnemonic === "INC" || i.mnemonic === "DEC" ||
          (i.mnemonic === "LEA" && i.base === reg && i.index < 0 && small(i.displacement)));
      write(reg, step);
      if ((i.mnemonic === "XCHG" || i.mnemonic === "XADD") && second?.kind === OperandKind.Reg) write(second.reg, false);
    }
    // Registers whose latest write (in layout order) left a small value.
    const small = new Set<number>();
    const fine = (reg: number) => reg < 0 || !written.has(reg) || small.has(reg);
    for (let n = start; n < end; n++) {
      const i = instructions[n]!;
      if (i.hasMemory && fine(i.base) && fine(i.index)) sites.add(n);
      const [first, second] = i.operands;
      for (const reg of IMPLICIT_WRITES[i.mnemonic] ?? []) small.delete(reg);
      if (first?.kind !== OperandKind.Reg || READS_FIRST.has(i.mnemonic)) continue;
      const reg = first.size === 8 && first.reg >= 4 ? first.reg - 4 : first.reg;
      const bounded =
        first.size === 32 &&
        ((i.mnemonic === "MOVZX" && second?.size === 8) || (i.mnemonic === "AND" && second?.kind === OperandKind.Imm && second.value >>> 0 <= 0x3ff));
      if (bounded) small.add(reg);
      else small.delete(reg);
    }
  });
  return sites;
}

export class LoopPages {
  /** Per loop segment (by ordinal): its sites' pages. */
  private readonly loops = new Map<number, KeptPageSet>();
  private current: KeptPageSet | null = null;

  /** Instructions whose accesses get a page (loopAccessSites). */
  private sites: ReadonlySet<number> = new Set();

  constructor(
    private readonly m: binaryen.Module,
    private readonly newLocal: (type: number) => number,
  ) {}

  setSites(sites: ReadonlySet<number>): void {
    this.sites = sites;
  }

  /** Emission enters the segment `ordinal`; `loop`: it is one of loopSegments. */
  enterSegment(ordinal: number, loop: boolean): void {
    this.current = loop ? new KeptPageSet(this.m, this.newLocal) : null;
    if (this.current !== null) this.loops.set(ordinal, this.current);
  }

  /** A kept page for an access of instruction `index` in the current loop, or null (not a site, or enough). */
  site(index: number): KeptPage | null {
    const loop = this.current;
    if (loop === null || loop.size >= SITES_PER_LOOP || !this.sites.has(index)) return null;
    return loop.add();
  }

  /** After a helper: the current loop's pages are forgotten (null outside a loop). */
  resetPoint(): Expression | null {
    return this.current?.resetPoint() ?? null;
  }

  /** The statements to put before the `loop` of segment `ordinal` (its pages set to none). */
  entryStatements(ordinal: number): Expression[] {
    return this.loops.get(ordinal)?.complete() ?? [];
  }
}
