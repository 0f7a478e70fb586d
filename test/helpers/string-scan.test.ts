/**
 * REPE/REPNE SCASB, which compares whole pages at once when it can (runtime/helpers/string.ts), against
 * the SDM's definition of the instruction (Vol.2 SCAS, REP): one element at a time, EDI and ECX
 * stepped per element, stop when ECX reaches 0 or ZF ends the repeat, flags of the last comparison;
 * a fault in the middle leaves the completed elements done and EFLAGS as before the instruction.
 */
import { describe, expect, it } from "vitest";
import { runSnippet } from "../support/run-snippet.js";
import { Seg } from "../../runtime/state/layout.js";

const BUFFER = 0x20000;
const CF = 1, ZF = 0x40, SF = 0x80;

/** The definition, element by element. */
function scasModel(memory: Uint8Array, edi: number, ecx: number, al: number, repne: boolean) {
  let flags: number | undefined;
  while (ecx !== 0) {
    const value = memory[edi - BUFFER]!;
    const result = (al - value) & 0xff;
    flags = (result === 0 ? ZF : 0) | (al < value ? CF : 0) | (result & 0x80 ? SF : 0);
    edi++;
    ecx--;
    if (repne ? result === 0 : result !== 0) break;
  }
  return { edi, ecx, flags };
}

function buffer(length: number, fill: (n: number) => number): Uint8Array {
  return Uint8Array.from({ length }, (_, n) => fill(n));
}

const CASES: [string, Uint8Array, number, number, number, boolean][] = [
  // name, memory at BUFFER, EDI offset, ECX, AL, REPNE
  ["repne: zero found in the first page", buffer(0x3000, (n) => (n === 0x123 ? 0 : 1 + (n % 200))), 0x10, 0x2000, 0, true],
  ["repne: zero found two pages on", buffer(0x3000, (n) => (n === 0x2456 ? 0 : 1 + (n % 200))), 0x10, 0x2fe0, 0, true],
  ["repne: not found, ECX runs out mid-page", buffer(0x3000, (n) => 1 + (n % 200)), 0x7, 0x1abc, 0, true],
  ["repne: found on the very last element", buffer(0x3000, (n) => (n === 0x1000 + 99 ? 0xee : 3)), 0xf00, 0x100 + 100, 0xee, true],
  ["repe: run of equal bytes ends on the second page", buffer(0x3000, (n) => (n < 0x1800 ? 0x41 : 0x42)), 0x20, 0x2000, 0x41, false],
  ["repe: all equal until ECX runs out", buffer(0x3000, () => 0x41), 0x0, 0x2fff, 0x41, false],
  ["repe: first element differs (above: CF set)", buffer(0x3000, (n) => (n === 0 ? 0x90 : 0x41)), 0x0, 0x100, 0x41, false],
];

describe("REPE/REPNE SCASB", () => {
  it.each(CASES)("%s", (_name, memory, offset, ecx, al, repne) => {
    const code = repne ? "f2 ae" : "f3 ae";
    const got = runSnippet(code, {
      regs: { edi: BUFFER + offset, ecx, eax: al | 0x12345600 },
      memory: [{ address: BUFFER, bytes: memory }],
      eflags: 0x8d5 & ~(CF | ZF | SF),
    });
    const want = scasModel(memory, BUFFER + offset, ecx, al, repne);
    expect(got.exception).toBeUndefined();
    expect(got.regs.edi).toBe(want.edi);
    expect(got.regs.ecx).toBe(want.ecx);
    expect(got.eflags & (CF | ZF | SF)).toBe(want.flags);
  });

  it("a segment-limit fault part-way leaves the completed elements and EFLAGS as before", () => {
    const memory = buffer(0x3000, () => 7);
    const limit = BUFFER + 0x1800 - 1;
    // ES limited: the definition faults on the first element past the limit (no zero byte before it).
    const limited = runSnippet("f2 ae", {
      regs: { edi: BUFFER + 0x10, ecx: 0x2000, eax: 0 },
      memory: [{ address: BUFFER, bytes: memory }],
      eflags: 0x8d5,
      prepare: (m) => m.cpu.setSegmentField(Seg.ES, "limit", limit),
    });
    expect(limited.exception?.vector).toBe(13);
    const done = limit - (BUFFER + 0x10) + 1;
    expect(limited.regs.edi).toBe(BUFFER + 0x10 + done);
    expect(limited.regs.ecx).toBe(0x2000 - done);
    expect(limited.eflags & 0x8d5).toBe(0x8d5);
  });
});
