/**
 * The state block's fields (runtime/state/layout.ts) must not overlap: every tier reads and writes
 * them by offset, so two fields sharing bytes would corrupt each other silently.
 */
import { describe, expect, it } from "vitest";
import { SEGMENT_SIZE, State, STATE_SIZE } from "../../runtime/state/layout.js";

/** Fields wider than one 32-bit word, in bytes. */
const WIDTHS: Partial<Record<keyof typeof State, number>> = {
  regs: 32,
  segments: 6 * SEGMENT_SIZE,
  ldtr: SEGMENT_SIZE,
  tr: SEGMENT_SIZE,
  dr: 8 * 4,
  tsc: 8,
  instructionCount: 8,
  tscOffset: 8,
  scratch: 16,
};

describe("state block layout", () => {
  it("has no two fields sharing a byte, all inside the block", () => {
    const fields = Object.entries(State).map(([name, offset]) => ({ name, offset, end: offset + (WIDTHS[name as keyof typeof State] ?? 4) }));
    fields.sort((a, b) => a.offset - b.offset);
    const overlaps: string[] = [];
    for (let n = 1; n < fields.length; n++) {
      if (fields[n]!.offset < fields[n - 1]!.end) overlaps.push(`${fields[n - 1]!.name} and ${fields[n]!.name}`);
    }
    expect(overlaps).toEqual([]);
    expect(Math.max(...fields.map((f) => f.end))).toBeLessThanOrEqual(STATE_SIZE);
  });
});
