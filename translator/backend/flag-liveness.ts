/**
 * Which arithmetic flags the code after an instruction overwrites before anything can observe them.
 *
 * An instruction that leaves some flags alone (INC/DEC keep CF, SDM Vol.2 INC) must keep the old
 * value of those flags when they are still pending in the lazy record: the translator then computes
 * them before replacing the record (a `keepFlags` callout when it cannot know statically). That work
 * is wasted when the next instructions overwrite the same flags before any reader, exit or possible
 * fault: `inc edx; add ecx, 2` never needs the CF that INC keeps. This pass finds those flags by
 * scanning the straight line after each instruction through instructions that cannot fault, leave,
 * call out or read flags (register-only ALU operations, register moves, LEA), stopping at the first
 * that writes a flag unconditionally.
 */
import type { Instruction } from "../isa/types.js";
import { ARITHMETIC_FLAGS, flagMask } from "../semantics/flags.js";

/** Can neither fault, nor leave the straight line, nor observe flags (beyond its flagsRead). */
function transparent(i: Instruction): boolean {
  const row = i.row;
  if (row.endsBlock || row.callout || row.semantic !== undefined || row.unimplemented) return false;
  if (i.mnemonic === "LEA") return true;
  if (i.hasMemory) return false;
  return row.class === "alu" || (row.class === "move" && i.mnemonic.startsWith("MOV"));
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
      const written = flagMask(next.row.flagsWritten) & open;
      overwritten |= written;
      open &= ~written;
    }
    return overwritten;
  });
}
