/**
 * Conditions read straight from a lazy flag record (translator/semantics/flags.ts conditionFromRecord),
 * right after ADC, SBB, SUB and CMP with a carry in of 0 and 1, in both tiers. The expected value of
 * every condition comes from the SDM definitions (result, CF, OF, SF, ZF, PF of the operation)
 * computed here, not from the code under test. SBB used to take CMP's shortcut and compare the
 * operands, which is wrong when a borrow comes in (SBB EAX,EAX with CF=1 is -1: "less").
 */
import { describe, expect, it } from "vitest";
import { runSnippet, setupMachine } from "../support/run-snippet.js";
import { enableTranslator } from "../../src/translator-tier.js";

type Operation = "adc" | "sbb" | "sub" | "cmp";
const OPCODE: Record<Operation, number> = { adc: 0x11, sbb: 0x19, sub: 0x29, cmp: 0x39 };

/** The SDM's flags of `a op b` (32-bit) with carry/borrow in `carry` (ADC/SBB only). */
function reference(operation: Operation, a: number, b: number, carry: number) {
  const add = operation === "adc";
  const cin = operation === "adc" || operation === "sbb" ? carry : 0;
  const wide = add ? a + b + cin : a - b - cin;
  const result = wide >>> 0;
  const cf = add ? (wide > 0xffffffff ? 1 : 0) : wide < 0 ? 1 : 0;
  const sign = (v: number) => (v >>> 31) & 1;
  const of = add ? (sign(a) === sign(b) && sign(result) !== sign(a) ? 1 : 0) : sign(a) !== sign(b) && sign(result) !== sign(a) ? 1 : 0;
  const sf = sign(result);
  const zf = result === 0 ? 1 : 0;
  let bits = result & 0xff;
  let ones = 0;
  while (bits) (ones += bits & 1), (bits >>= 1);
  const pf = ones % 2 === 0 ? 1 : 0;
  return { of, cf, zf, sf, pf };
}

/** Condition cc (SDM Vol.2 Appendix B: O NO B AE E NE BE A S NS P NP L GE LE G). */
function condition(cc: number, f: ReturnType<typeof reference>): number {
  const base = [f.of, f.cf, f.zf, f.cf | f.zf, f.sf, f.pf, f.sf ^ f.of, f.zf | (f.sf ^ f.of)][cc >> 1]!;
  return cc & 1 ? base ^ 1 : base;
}

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** mov eax, a / mov ebx, b / stc or clc / <op> eax, ebx / setcc cl */
function snippet(operation: Operation, a: number, b: number, carry: number, cc: number): number[] {
  return [0xb8, ...le32(a), 0xbb, ...le32(b), carry ? 0xf9 : 0xf8, OPCODE[operation], 0xd8, 0x0f, 0x90 + cc, 0xc1];
}

const OPERANDS: [number, number][] = [
  [0x12345678, 0x12345678],
  [0, 0xffffffff],
  [5, 0xffffffff],
  [1, 2],
  [0x7fffffff, 0xffffffff],
  [0x80000000, 0x7fffffff],
];
const CASES = (["adc", "sbb", "sub", "cmp"] as const).flatMap((operation) =>
  OPERANDS.flatMap(([a, b]) => [0, 1].map((carry) => ({ operation, a, b, carry }))),
);

describe("conditions read from a lazy flag record", () => {
  it.each(CASES)("$operation $a, $b with carry $carry: every condition as the SDM defines it (interpreter)", ({ operation, a, b, carry }) => {
    const flags = reference(operation, a, b, carry);
    for (let cc = 0; cc < 16; cc++) {
      const result = runSnippet(snippet(operation, a, b, carry, cc));
      expect(result.exception, `cc ${cc}`).toBeUndefined();
      expect(result.regs.ecx & 0xff, `cc ${cc}`).toBe(condition(cc, flags));
    }
  });

  it.each(CASES)("$operation $a, $b with carry $carry: every condition as the SDM defines it (translator)", async ({ operation, a, b, carry }) => {
    const flags = reference(operation, a, b, carry);
    // One snippet holding all sixteen: the compiled region reads each condition from the static record.
    const code: number[] = [];
    for (let cc = 0; cc < 16; cc++) code.push(...snippet(operation, a, b, carry, cc), 0x88, 0x0d, ...le32(0x20000 + cc)); // mov [0x20000+cc], cl
    const { machine } = setupMachine(code);
    await enableTranslator(machine, { threshold: 1 });
    machine.run({ maxInstructions: 10_000 });
    expect(machine.interpreter.statistics.blocksCompiled).toBeGreaterThan(0);
    const values = Array.from(machine.cpu.readPhysicalBytes(0x20000, 16));
    expect(values).toEqual(Array.from({ length: 16 }, (_, cc) => condition(cc, flags)));
  });
});

/*
 * INC and DEC leave CF alone (SDM Vol.2 INC, DEC): the CF of the record before them must survive
 * even though their own record replaces it. The translator computes that CF inline when it knows
 * the record statically (keepFlagsInline), the interpreter through its own record.
 */
describe("CF kept across INC and DEC", () => {
  /** mov eax, a / mov ebx, b / stc or clc / <op> eax, ebx / inc edx or dec edx / setb cl / mov [at], cl */
  const kept = (operation: Operation, a: number, b: number, carry: number, decrement: boolean, at: number) => [
    ...snippet(operation, a, b, carry, 2).slice(0, -3), decrement ? 0x4a : 0x42, 0x0f, 0x92, 0xc1, 0x88, 0x0d, ...le32(at),
  ];
  it.each(CASES)("$operation $a, $b with carry $carry, then INC and DEC: CF as the operation set it", async ({ operation, a, b, carry }) => {
    const { cf } = reference(operation, a, b, carry);
    const code = [...kept(operation, a, b, carry, false, 0x20000), ...kept(operation, a, b, carry, true, 0x20001)];
    expect(runSnippet(code).read(0x20000, 2), "interpreter").toEqual([cf, cf]);
    const { machine } = setupMachine(code);
    await enableTranslator(machine, { threshold: 1 });
    machine.run({ maxInstructions: 10_000 });
    expect(machine.interpreter.statistics.blocksCompiled).toBeGreaterThan(0);
    expect(Array.from(machine.cpu.readPhysicalBytes(0x20000, 2)), "translator").toEqual([cf, cf]);
  });
});
