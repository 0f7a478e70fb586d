/**
 * Flag liveness (translator/backend/flag-liveness.ts): the flags overwritten after an instruction
 * before anything can observe them. Cases are assembled by hand (nasm syntax in the comments); the
 * expected masks follow from the SDM's flag tables (Vol.1 Appendix A) for the instructions after.
 */
import { describe, expect, it } from "vitest";
import { flagsOverwrittenAfter } from "../../translator/backend/flag-liveness.js";
import { decodeAll } from "../support/run-snippet.js";

const OSZAPC = 0x8d5;
const CF = 0x1;

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
