/**
 * Stores into translated code from compiled code, by instructions that do more after the store: the
 * compiled run must leave after the whole instruction, with its other effects (flags, ESP) done, as
 * the interpreter (and the hardware, SDM Vol.3 11.6) leaves them. Each program loops over a call to a
 * function whose bytes the loop rewrites; the translator's final state must equal the interpreter's.
 * Sources (GNU as, .intel_syntax) in the comments; assembled with `gcc -m32 -c`, .text extracted.
 * The ADD and CALL programs ended differently before compiled code learnt to finish the instruction
 * (the PUSH one did not show it).
 */
import { describe, expect, it } from "vitest";
import { setupMachine, hex } from "../support/run-snippet.js";
import { enableTranslator } from "../../src/translator-tier.js";
import { REG32_NAMES } from "../../runtime/state/layout.js";
import { ImmediateBuilder } from "../../runtime/interpreter/immediate-builder.js";

/** Zero bytes up to offset 0x100, where the function `f` starts. */
const pad = (code: string, tail: string) => {
  const bytes = hex(code);
  return [...bytes, ...new Array(0x100 - bytes.length).fill(0), ...hex(tail)];
};

const PROGRAMS: { name: string; code: number[] }[] = [
  {
    // mov ecx, 300; mov eax, -1; xor esi, esi
    // L: add dword [f+1], eax ; the immediate of f's MOV, with a carry every time
    //    adc esi, 0 ; counts the carries
    //    call f; dec ecx; jnz L; jmp end
    // f (0x10100): mov edx, 0x11111111; ret
    name: "an ADD to memory (flags after the store)",
    code: pad("b92c010000 b8ffffffff 31f6 010501010100 83d600 e8e6000000 49 75ef e9e4000000", "ba11111111 c3"),
  },
  {
    // mov ecx, 300; mov eax, 0x1bb; mov edi, 0x80000; xor esi, esi
    // L: mov esp, f+9; push eax ; PUSH writes f's second MOV, then moves ESP
    //    pop edx; add eax, 0x100; mov esp, edi; call f; add esi, ebx; add esi, edx; dec ecx; jnz L; jmp end
    // f (0x10100): mov edx, 0x11111111; mov ebx, 0x22222222; ret
    name: "a PUSH (ESP after the store)",
    code: pad("b92c010000 b8bb010000 bf00000800 31f6 bc09010100 50 5a 0500010000 89fc e8dc000000 01de 01d6 49 75e6 e9db000000", "ba11111111 bb22222222 c3"),
  },
  {
    // mov ecx, 300; mov edi, 0x80000; xor esi, esi
    // L: mov esp, f+10; call g ; CALL's return address lands on f's second MOV, then it jumps to g
    //    mov esp, edi; call f; add esi, ebx; dec ecx; jnz L; jmp end
    // g: add esi, 1; ret
    // f (0x10100): mov edx, 0x11111111; mov ebx, 0x22222222; ret
    name: "a CALL (the jump after the store)",
    code: pad("b92c010000 bf00000800 31f6 bc0a010100 e811000000 89fc e8e3000000 01de 49 75ea e9e4000000 83c601 c3", "ba11111111 bb22222222 c3"),
  },
];

async function run(code: number[], threshold: number | null) {
  const { machine, end } = setupMachine(code);
  if (threshold !== null) await enableTranslator(machine, { threshold });
  const result = machine.run({ maxInstructions: 1_000_000 });
  const cpu = machine.cpu;
  return {
    stop: result.exception?.vector === 6 && cpu.eip === end ? "end" : `stopped: ${result.reason} ${result.exception?.vector ?? ""} at ${cpu.eip.toString(16)}`,
    registers: Object.fromEntries(REG32_NAMES.map((name, n) => [name, cpu.reg32(n) >>> 0])),
    eflags: new ImmediateBuilder(cpu).getEflags() >>> 0,
    code: Array.from(cpu.readPhysicalBytes(0x10100, 12)),
    compiled: machine.interpreter.statistics.compiledInstructions,
  };
}

describe("stores into translated code from compiled code", () => {
  for (const { name, code } of PROGRAMS) {
    it.each([1, 2, 5])(`${name}: the translator (threshold %i) ends as the interpreter does`, async (threshold) => {
      const interpreted = await run(code, null);
      const translated = await run(code, threshold);
      expect(interpreted.stop).toBe("end");
      expect(translated.compiled).toBeGreaterThan(0);
      expect({ ...translated, compiled: 0 }).toEqual({ ...interpreted, compiled: 0 });
    });
  }
});
