/**
 * Code that rewrites its own instructions (SDM Vol.3 11.6: a write to code is seen by the
 * instructions that follow it). A write that changes only an instruction's immediate or displacement
 * bytes decodes that instruction again in place (DecodedBlockCache.invalidate); any other write
 * (the opcode, bytes of two instructions) drops the blocks. The expected results are worked out from
 * the programs' arithmetic, and each program runs interpreted and with the translator.
 * Sources (GNU as, .intel_syntax, code at 0x10000) in the comments; assembled with `gcc -m32 -c`.
 */
import { describe, expect, it } from "vitest";
import { hex, setupMachine } from "../support/run-snippet.js";
import { enableTranslator } from "../../src/translator-tier.js";

const CASES: {
  name: string;
  code: string;
  memory?: { address: number; bytes: Uint8Array }[];
  expected: Record<number, number>;
  /** Which mechanism the interpreter must have used for the patches. */
  path: "patched" | "dropped";
}[] = [
  {
    // mov ecx, 100 / xor eax, eax / 1: mov [p1+1], ecx / p1: add eax, 0 (05 imm32) / dec ecx / jnz 1b
    // The store rewrites the next instruction of its own block: EAX = 100 + 99 + … + 1.
    name: "an immediate of the next instruction in the same block",
    code: "b96400000031c0890d0e00010005000000004975f2",
    expected: { 0: 5050 },
    path: "patched",
  },
  {
    // mov ecx, 101 / xor eax, eax / mov bl, 0x05 / 1: mov [p2], bl / p2: add eax, 7 (05 imm32) /
    // xor bl, 0x28 / dec ecx / jnz 1b — the opcode byte alternates between ADD (05) and SUB (2D)
    // EAX, imm32: 51 additions and 50 subtractions of 7.
    name: "the opcode byte (ADD and SUB in turn)",
    code: "b96500000031c0b305881d0f000100050700000080f3284975ef",
    expected: { 0: 7 },
    path: "dropped",
  },
  {
    // mov ecx, 50 / xor ebx, ebx / mov edx, 0x20000 / 1: mov [p3+1], edx / p3: mov eax, [0] (A1 moffs32) /
    // add ebx, eax / add edx, 4 / dec ecx / jnz 1b — the address of the load walks a table of 3k+1.
    name: "the address of a load",
    code: "b93200000031dbba00000200891513000100a10000000001c383c2044975ed",
    memory: [{ address: 0x20000, bytes: new Uint8Array(new Uint32Array(Array.from({ length: 50 }, (_, k) => 3 * k + 1)).buffer) }],
    expected: { 3: 3725 },
    path: "patched",
  },
  {
    // mov ecx, 60 / xor eax, eax / xor esi, esi / 1: mov edx, ecx / and edx, 1 /
    // mov edx, [variants + edx*4] / mov [p4+3], edx / p4: add eax, 0x11111111 / add esi, 1 /
    // dec ecx / jnz 1b / jmp end / variants: .long 0xc6832222, 0xc6833333 — each store covers the
    // ADD's two high immediate bytes and the first two bytes of the next instruction (rewritten with
    // the same 83 C6): 30 × 0x22221111 + 30 × 0x33331111.
    name: "bytes of two instructions",
    code: "b93c00000031c031f689ca83e2018b14952800010089151e000100051111111183c6014975e3eb08222283c6333383c6",
    expected: { 0: 0xfff9fffc, 6: 60 },
    path: "dropped",
  },
  {
    // mov ecx, 40 / xor eax, eax / 1: mov edx, ecx / and edx, 1 / mov edx, [targets + edx*4] /
    // mov [p5+1], edx / p5: jmp rel32 / 3: add eax, 1 / jmp 5f / 4: add eax, 1000 / 5: dec ecx /
    // jnz 1b / jmp end / targets: .long 3b-(p5+5), 4b-(p5+5) — the JMP's target alternates:
    // 20 × 1 + 20 × 1000.
    name: "the target of a JMP rel32",
    code: "b92800000031c089ca83e2018b14952d00010089151a000100e90000000083c001eb0505e80300004975dceb080000000005000000",
    expected: { 0: 20020 },
    path: "patched",
  },
];

async function run(code: string, memory: { address: number; bytes: Uint8Array }[] | undefined, threshold: number | null) {
  const { machine, end } = setupMachine(hex(code), { memory });
  if (threshold !== null) await enableTranslator(machine, { threshold });
  const result = machine.run({ maxInstructions: 1_000_000 });
  return { machine, ended: result.exception?.vector === 6 && machine.cpu.eip === end };
}

describe("instructions rewritten by the code that runs them", () => {
  for (const { name, code, memory, expected, path } of CASES) {
    it.each([null, 1, 2])(`${name} (translator threshold %s)`, async (threshold) => {
      const { machine, ended } = await run(code, memory, threshold);
      expect(ended).toBe(true);
      for (const [register, value] of Object.entries(expected)) expect(machine.cpu.reg32(Number(register)) >>> 0).toBe(value);
      const stats = machine.interpreter.statistics;
      if (threshold === null && path === "patched") {
        expect(stats.instructionsPatched).toBeGreaterThan(0);
      }
      if (threshold === null && path === "dropped") {
        expect(stats.blocksInvalidated).toBeGreaterThan(0);
      }
    });
  }
});
