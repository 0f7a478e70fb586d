/**
 * Flag liveness (translator/backend/flag-liveness.ts): the flags overwritten after an instruction
 * before anything can observe them. Cases are assembled by hand (nasm syntax in the comments); the
 * expected masks follow from the SDM's flag tables (Vol.1 Appendix A) for the instructions after.
 */
import { describe, expect, it } from "vitest";
import { entryFlagKeeps, flagsOverwrittenAfter } from "../../translator/backend/flag-liveness.js";
import { decodeAll } from "../support/run-snippet.js";

const OSZAPC = 0x8d5;
const CF = 0x1;
const OF = 0x800;

const CASES: { name: string; code: string; after: number }[] = [
  // inc edx / add ecx, 2: ADD writes every arithmetic flag.
  { name: "an ALU operation on registers overwrites all", code: "42 83c102", after: OSZAPC },
  // inc edx / adc ecx, 2: ADC reads CF first, then writes the rest.
  { name: "a reader of CF keeps it live", code: "42 83d102", after: OSZAPC & ~CF },
  // inc edx / mov eax, [ebx] / add ecx, 2: a load may fault (the handler sees EFLAGS).
  { name: "a memory access stops the scan", code: "42 8b03 83c102", after: 0 },
  // inc edx / lea eax, [ebx+4] / mov ecx, eax / sub eax, 1: LEA and MOV touch no memory and no flags.
  { name: "LEA and register moves are looked through", code: "42 8d4304 89c1 83e801", after: OSZAPC },
  // inc edx / inc ecx / add eax, ebx: the second INC leaves CF, which ADD then writes.
  { name: "flags a later writer leaves alone stay open for the one after", code: "42 41 01d8", after: OSZAPC },
  // inc edx / jne $: a branch leaves the straight line.
  { name: "a branch stops the scan", code: "42 75fe", after: 0 },
  // inc edx / shl edx, 13: a shift by a non-zero immediate writes every arithmetic flag (SDM Vol.2 SAL/SAR/SHL/SHR).
  { name: "a shift by a non-zero immediate overwrites all", code: "42 c1e20d", after: OSZAPC },
  // inc edx / shr ecx, 1 (D1 /5): a shift by one.
  { name: "a shift by one overwrites all", code: "42 d1e9", after: OSZAPC },
  // inc edx / shl edx, 32 / add eax, ebx: the count masked to 5 bits is 0, so SHL changes no flag.
  { name: "a shift whose masked count is zero writes nothing", code: "42 c1e220 01d8", after: OSZAPC },
  // inc edx / shl edx, cl / add eax, ebx: CL may be 0: the shift is looked through, ADD writes.
  { name: "a shift by CL is looked through but writes nothing", code: "42 d3e2 01d8", after: OSZAPC },
  // inc edx / shl edx, cl / nop
  { name: "a shift by CL alone overwrites nothing", code: "42 d3e2 90", after: 0 },
  // inc edx / rol eax, 3: rotates write CF and OF only.
  { name: "a rotate by an immediate overwrites CF and OF", code: "42 c1c003", after: CF | OF },
  // inc edx / rcl eax, 3: RCL reads CF.
  { name: "a rotate through carry keeps CF live", code: "42 c1d003", after: 0 },
  // inc edx / shl dword [ebx], 1: a memory operand may fault.
  { name: "a shift of memory stops the scan", code: "42 d123", after: 0 },
  // inc edx / not eax / nop: nothing after writes flags.
  { name: "instructions that write no flags overwrite nothing", code: "42 f7d0 90", after: 0 },
];

describe("flags overwritten after an instruction", () => {
  it.each(CASES)("$name", ({ code, after }) => {
    expect(flagsOverwrittenAfter(decodeAll(code), () => false)[0]).toBe(after);
  });

  it("stops where a block falls out to code laid out elsewhere", () => {
    expect(flagsOverwrittenAfter(decodeAll("42 83c102"), (n) => n === 0)[0]).toBe(0);
  });
});

/**
 * Entry keeps: what a branch into an entry point computes itself of a known flag record, so that the
 * entry's first flag writer finds nothing pending to keep. Entries are instruction indices;
 * `successors` stands for the region's control flow.
 */
describe("flags an entry point keeps", () => {
  const keeps = (code: string, entries: number[], successors: Record<number, number[]> = {}) => {
    const instructions = decodeAll(code);
    return entryFlagKeeps(instructions, entries, flagsOverwrittenAfter(instructions, () => false), (n) => successors[n]);
  };

  it("INC at the entry keeps CF", () => {
    // inc ecx / mov eax, [ebx]: CF stays live across the load (it may fault).
    expect(keeps("41 8b03", [0]).get(0)).toBe(CF);
  });

  it("nothing when the next writer overwrites CF first", () => {
    // inc ecx / shl edx, 13
    expect(keeps("41 c1e20d", [0]).get(0)).toBe(0);
  });

  it("instructions that touch no flags are walked through", () => {
    // mov eax, [ebx] / lea edx, [eax+1] / dec eax / mov [ebx], eax
    expect(keeps("8b03 8d5001 48 8903", [0]).get(0)).toBe(CF);
  });

  it("a full flag writer at the entry keeps nothing", () => {
    // add eax, 1 / inc ecx
    expect(keeps("83c001 41", [0]).get(0)).toBe(0);
  });

  it("a flag reader first keeps nothing", () => {
    // jne $+2 / inc ecx
    expect(keeps("7500 41", [0]).get(0)).toBe(0);
  });

  it("follows a jump to the union of its targets' keeps", () => {
    // 0: jmp eax (candidates 1 and 3) / 1: dec eax / 2: mov [ebx], eax / 3: add eax, 1
    const result = keeps("ffe0 48 8903 83c001", [0, 1, 3], { 0: [1, 3] });
    expect([result.get(0), result.get(1), result.get(3)]).toEqual([CF, CF, 0]);
  });

  it("a loop of entries without a writer keeps nothing", () => {
    // 0: jmp to 1 / 1: jmp to 0
    const result = keeps("ebfe ebfe", [0, 1], { 0: [1], 1: [0] });
    expect([result.get(0), result.get(1)]).toEqual([0, 0]);
  });
});
