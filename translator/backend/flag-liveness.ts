/**
 * Which arithmetic flags the code after an instruction overwrites before anything can observe them.
 *
 * An instruction that leaves some flags alone (INC/DEC keep CF, SDM Vol.2 INC) must keep the old
 * value of those flags when they are still pending in the lazy record: the translator then computes
 * them before replacing the record (a `keepFlags` callout when it cannot know statically). That work
 * is wasted when the next instructions overwrite the same flags before any reader, exit or possible
 * fault: `inc edx; add ecx, 2` never needs the CF that INC keeps. This pass finds those flags by
 * scanning the straight line after each instruction through instructions that cannot fault, leave,
 * call out or read flags (register-only ALU operations, shifts and rotates, register moves, LEA),
 * stopping at the first that writes a flag unconditionally.
 */
import { OperandKind, type Instruction } from "../isa/types.js";
import { ARITHMETIC_FLAGS, flagMask } from "../semantics/flags.js";

/** Shifts and rotates whose flags follow the row whenever the masked count is not zero. */
const COUNTED_FLAG_WRITERS: ReadonlySet<string> = new Set(["SHL", "SAL", "SHR", "SAR", "ROL", "ROR"]);

/** Can neither fault, nor leave the straight line, nor observe flags (beyond its flagsRead). */
function transparent(i: Instruction): boolean {
  const row = i.row;
  if (row.endsBlock || row.callout || row.semantic !== undefined || row.unimplemented) return false;
  if (i.mnemonic === "LEA") return true;
  if (i.hasMemory) return false;
  return row.class === "alu" || row.class === "shift" || (row.class === "move" && i.mnemonic.startsWith("MOV"));
}

/**
 * The arithmetic flags `i` overwrites whenever it runs. A shift or rotate changes no flag at all when
 * its count masked to 5 bits is zero (SDM Vol.2 SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR), so only an
 * immediate non-zero count makes it a writer; RCL/RCR (whose count works modulo 9 or 17 for small
 * operands), SHLD/SHRD and counts in CL count as writing nothing.
 */
function flagsAlwaysWritten(i: Instruction): number {
  if (i.row.class !== "shift") return flagMask(i.row.flagsWritten);
  const count = i.operands[1];
  if (!COUNTED_FLAG_WRITERS.has(i.mnemonic) || i.operands.length !== 2 || count?.kind !== OperandKind.Imm || (count.value & 31) === 0) return 0;
  return flagMask(i.row.flagsWritten);
}

/**
 * For each instruction, the arithmetic flags that are overwritten after it before any observation
 * (0 when unknown). `fallsOut` marks instructions after which the next one in the list is not the
 * next to run (a block end continued elsewhere, the region's last instruction).
 */
export function flagsOverwrittenAfter(instructions: readonly Instruction[], fallsOut: (index: number) => boolean): number[] {
  return instructions.map((_, k) => {
    let overwritten = 0;
    let open = ARITHMETIC_FLAGS;
    for (let j = k + 1; j < instructions.length && open !== 0 && !fallsOut(j - 1); j++) {
      const next = instructions[j]!;
      if (!transparent(next)) break;
      open &= ~flagMask(next.row.flagsRead);
      const written = flagsAlwaysWritten(next) & open;
      overwritten |= written;
      open &= ~written;
    }
    return overwritten;
  });
}

/**
 * For each entry point (by instruction index), the pending flags its first flag writer would keep:
 * what a branch into the entry with a known record computes into EFLAGS itself, so that the entry's
 * test of the flag locals finds nothing pending (WasmBuilder.flagsIntoEntry). Found by walking the
 * straight line from the entry through instructions that neither read nor write flags, on through
 * jumps whose targets are entries of the region (`successors`: every candidate of an indirect jump,
 * as in a switch dispatch); 0 when a reader or an unknown writer comes first. Any answer is correct
 * (flags computed early are simply no longer pending); a precise one saves the runtime callout.
 */
export function entryFlagKeeps(
  instructions: readonly Instruction[],
  entryIndices: Iterable<number>,
  overwrittenAfter: readonly number[],
  successors: (index: number) => readonly number[] | undefined,
): Map<number, number> {
  const keeps = new Map<number, number>();
  const visiting = new Set<number>();
  const keepOf = (entry: number): number => {
    const known = keeps.get(entry);
    if (known !== undefined) return known;
    if (visiting.has(entry)) return 0;
    visiting.add(entry);
    let keep = 0;
    for (let j = entry; j < instructions.length; j++) {
      const instruction = instructions[j]!;
      const row = instruction.row;
      if (row.unimplemented || row.callout || flagMask(row.flagsRead) !== 0) break;
      const written = flagMask(row.flagsWritten);
      if (written !== 0) {
        if (flagsAlwaysWritten(instruction) === written) keep = ARITHMETIC_FLAGS & ~written & ~(overwrittenAfter[j] ?? 0);
        break;
      }
      const next = successors(j);
      if (next !== undefined) {
        for (const target of next) keep |= keepOf(target);
        break;
      }
      if (row.endsBlock) break;
    }
    visiting.delete(entry);
    keeps.set(entry, keep);
    return keep;
  };
  for (const entry of entryIndices) keepOf(entry);
  return keeps;
}
