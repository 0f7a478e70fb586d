/**
 * Regions (runtime/interpreter/region.ts): a hot block is compiled with the blocks of its page that
 * control reaches from it, so CALL/RET pairs, switch dispatch through a jump table and loop nests
 * run inside one compiled function; other hot blocks of the page share that function through its
 * entry points; and writes to data between its blocks leave it alone.
 */
import { describe, expect, it } from "vitest";
import { Machine } from "../../src/machine.js";
import { enableTranslator } from "../../src/translator-tier.js";
import { runLockstep } from "../../conformance/lockstep.js";
import { hex, loadSnippet } from "../support/run-snippet.js";
import { readFileSync } from "node:fs";
import { loadMultiboot } from "../../src/loaders/multiboot.js";

/*
 * bits 32 / org 0x10000 (nasm):
 *   mov esp, 0x80000 / xor esi, esi / mov edi, 40
 * outer:
 *   mov eax, 12 / call fib / add esi, eax / mov [counter], edi
 *   mov ebx, edi / and ebx, 3 / jmp [table + ebx*4]
 * case0: add esi, 1 / jmp next      case1: xor esi, 0x55 / jmp next
 * case2: rol esi, 3 / jmp next      case3: sub esi, edi
 * next: dec edi / jnz outer / jmp done
 * fib: cmp eax, 2 / jb .small / push eax / dec eax / call fib / pop ecx / push eax
 *      lea eax, [ecx-2] / call fib / pop ecx / add eax, ecx
 * .small: ret
 * align 4 / table: dd case0, case1, case2, case3 / counter: dd 0 / done: (UD2 appended)
 */
const PROGRAM = hex(
  "bc0000080031f6bf28000000b80c000000e82a00000001c6893d6c00010089fb83e303ff249d5c00010083c601eb0c" +
    "83f655eb07c1c603eb0229fe4f75ceeb3083f80272145048e8f4ffffff59508d41fee8eaffffff5901c8c390902a00" +
    "01002f000100340001003900010000000000",
);
const COUNTER = 0x1006c;

/** What the program computes, written from its source: the reference for both tiers. */
function expectedSum(): number {
  const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
  let sum = 0;
  for (let round = 40; round > 0; round--) {
    sum = (sum + fib(12)) >>> 0;
    const op = round & 3;
    if (op === 0) sum = (sum + 1) >>> 0;
    else if (op === 1) sum = (sum ^ 0x55) >>> 0;
    else if (op === 2) sum = ((sum << 3) | (sum >>> 29)) >>> 0;
    else sum = (sum - round) >>> 0;
  }
  return sum;
}

/** Run `code` (PROGRAM by default) with the translator until the UD2 after it. */
async function runTranslated(threshold: number, code = PROGRAM, maxInstructions = 10_000_000) {
  const machine = new Machine({ ramSize: 4 << 20, stopOnException: true });
  await enableTranslator(machine, { threshold });
  const end = loadSnippet(machine, code);
  const result = machine.run({ maxInstructions });
  return { machine, result, end };
}

/** The EIPs of every region `machine`'s translator compiles from now on, in their layout order. */
function recordLayouts(machine: Machine): number[][] {
  const translator = machine.interpreter.translator!;
  const compile = translator.compile.bind(translator);
  const layouts: number[][] = [];
  translator.compile = (region, eip, mode) => (layouts.push([...region.eips]), compile(region, eip, mode));
  return layouts;
}

describe("regions", () => {
  it("computes the program's result with calls, returns and a jump-table switch inside compiled code", async () => {
    const { machine, result, end } = await runTranslated(2);
    expect(result.exception?.vector).toBe(6); // the UD2 after the program
    expect(machine.cpu.eip).toBe(end);
    expect(machine.cpu.reg32(6) >>> 0).toBe(expectedSum());
    const stats = machine.interpreter.statistics;
    // Nearly everything ran compiled, from a handful of compiled functions: the hot blocks of the page
    // that a region holds already enter it instead of being compiled again.
    expect(stats.compiledInstructions / result.instructions).toBeGreaterThan(0.95);
    expect(stats.blocksCompiled).toBeLessThanOrEqual(6);
    expect(stats.entriesShared).toBeGreaterThan(0);
  });

  it("leaves a region alone when the guest writes data between its blocks", async () => {
    const { machine } = await runTranslated(2);
    // The loop stores to `counter`, in the same page as the code and between blocks of the region.
    expect(machine.cpu.readPhysicalBytes(COUNTER, 4)).toEqual(Uint8Array.from([1, 0, 0, 0]));
    expect(machine.interpreter.statistics.blocksInvalidated).toBe(0);
  });

  it("drops the region when a write hits one of its instructions", async () => {
    const { machine } = await runTranslated(2);
    const stats = machine.interpreter.statistics;
    const compiledBefore = stats.blocksCompiled + stats.entriesShared;
    expect(compiledBefore).toBeGreaterThan(0);
    // `add esi, 1` of case0 (0x1002a): a write there must drop every translation holding it.
    machine.cpu.writePhysicalBytes(0x1002a, Uint8Array.from([0x83, 0xc6, 0x02]));
    expect(stats.blocksInvalidated).toBeGreaterThan(0);
  });

  it("carries flags set before a back-edge to the region's first instruction", async () => {
    // mov ecx, 100 / xor eax, eax / head: adc eax, 0 / cmp ecx, 60 / lea ecx, [ecx-1] / jecxz done /
    // jmp head / done: — ADC adds the CF of the previous iteration's CMP (ECX below 60): ECX was
    // 59..2 at 58 of those CMPs, so EAX ends at 58.
    const { machine } = await runTranslated(2, hex("b96400000031c083d00083f93c8d49ffe302ebf3"), 10_000);
    expect(machine.interpreter.statistics.blocksCompiled).toBeGreaterThan(0);
    expect(machine.cpu.reg32(0)).toBe(58);
  });

  it("keeps a loop compiled while it patches the function it calls (code patched again and again stays out of regions)", async () => {
    // mov ecx, 2000 / xor eax, eax / top: mov [patch+1], ecx / call f / dec ecx / jnz top / jmp done /
    // f: patch: add eax, imm32 (05 id) / ret / done: — EAX = 2000 + 1999 + … + 1 = 2,001,000.
    const { machine } = await runTranslated(2, hex("b9d007000031c0890d18000100e8050000004975f2eb060500000000c3"), 100_000);
    const stats = machine.interpreter.statistics;
    expect(machine.cpu.reg32(0)).toBe(2_001_000);
    // Each patch reaches the decoded code: `f`'s ADD decoded again in place (only its immediate
    // changed), or a block dropped while a region still held `f`.
    expect(stats.blocksInvalidated + stats.instructionsPatched).toBeGreaterThanOrEqual(2000);
    expect(stats.instructionsPatched).toBeGreaterThan(1900);
    // Once the patched dword counts as volatile, the loop's region leaves `f` out and survives the
    // patches: a handful of compiles, not one per iteration.
    expect(stats.blocksCompiled).toBeLessThan(20);
    expect(stats.compiledInstructions).toBeGreaterThan(0);
  });

  it("lays out the cases of the switch before the code they jump forward to", async () => {
    // case0..case2 end with `jmp next` (0x1003b); in reverse postorder from the dispatch those jumps
    // point forward, so the compiled function takes them with a plain br instead of going round its loop.
    const machine = new Machine({ ramSize: 4 << 20, stopOnException: true });
    await enableTranslator(machine, { threshold: 2 });
    const layouts = recordLayouts(machine);
    loadSnippet(machine, PROGRAM);
    machine.run({ maxInstructions: 10_000_000 });
    // The regions formed at the call's return site (0x10016), whose first chain holds the dispatch.
    const atDispatch = layouts.filter((eips) => eips[0] === 0x10016 && eips.includes(0x1003b));
    expect(atDispatch.length).toBeGreaterThan(0);
    for (const eips of atDispatch) {
      const cases = [0x1002a, 0x1002f, 0x10034].filter((eip) => eips.includes(eip));
      expect(cases.length).toBeGreaterThan(0);
      for (const kase of cases) expect(eips.indexOf(kase)).toBeLessThan(eips.indexOf(0x1003b));
    }
  });

  it("lays out a bytecode interpreter's cases before the fetch block they all jump to", async () => {
    // bench/guests/bin/interp.elf (objdump): the dispatch `jmp [0x100380 + edi*4]` at 0x1000b8, eleven
    // case addresses in that table; all but the last (HALT) end in `jmp 0x1000d0` (fetch the next bytecode).
    // Laid out in reverse postorder from the dispatch, every one of those jumps points forward.
    const machine = new Machine({ ramSize: 128 << 20 });
    await enableTranslator(machine, {});
    const layouts = recordLayouts(machine);
    loadMultiboot(machine.cpu, readFileSync(new URL("../../bench/guests/bin/interp.elf", import.meta.url)), { cmdline: "scale=1" });
    machine.run({ maxInstructions: 3_000_000 });
    const table = machine.cpu.readPhysicalBytes(0x100380, 44);
    const cases = Array.from({ length: 10 }, (_, n) => table[4 * n]! | (table[4 * n + 1]! << 8) | (table[4 * n + 2]! << 16) | (table[4 * n + 3]! << 24));
    const atDispatch = layouts.find((eips) => eips[0] === 0x1000b8);
    expect(atDispatch).toBeDefined();
    const fetch = atDispatch!.indexOf(0x1000d0);
    expect(fetch).toBeGreaterThan(0);
    const laidOut = cases.filter((eip) => atDispatch!.includes(eip));
    expect(laidOut.length).toBeGreaterThanOrEqual(8);
    for (const kase of laidOut) expect(atDispatch!.indexOf(kase), `case at ${kase.toString(16)}`).toBeLessThan(fetch);
  });

  it("takes in the way of a branch that has not run yet, after the code that has", async () => {
    // mov ecx, 1000 / xor eax, eax / top: cmp ecx, 500 / jb rare / add eax, 1 / back: dec ecx /
    // jnz top / jmp done / rare: add eax, 3 / jmp back / done: — `rare` first runs after 501
    // iterations (ECX 1000..500), long after the loop turned hot: EAX = 501 * 1 + 499 * 3.
    const code = hex("b9e803000031c081f9f4010000720883c0014975f2eb0583c003ebf6");
    const machine = new Machine({ ramSize: 4 << 20, stopOnException: true });
    await enableTranslator(machine, { threshold: 50 });
    const layouts = recordLayouts(machine);
    loadSnippet(machine, code);
    machine.run({ maxInstructions: 100_000 });
    expect(machine.cpu.reg32(0)).toBe(501 + 499 * 3);
    // One compile: the loop's region holds `rare` from the start, laid out after the loop's own code.
    expect(layouts).toHaveLength(1);
    const [eips] = layouts as [number[]];
    expect(eips.indexOf(0x10017)).toBeGreaterThan(eips.indexOf(0x10013));
    expect(machine.interpreter.statistics.compiledInstructions / 3000).toBeGreaterThan(0.95);
  });

  it("leaves out a path that has not run and does not decode (it faults when it runs)", async () => {
    // mov ecx, 1000 / xor eax, eax / top: cmp ecx, 1 / je bad / add eax, 1 / dec ecx / jmp top /
    // bad: FF FF (no such instruction: #UD at 0x10012 once ECX reaches 1, with EAX = 999).
    const { machine, result } = await runTranslated(50, hex("b9e803000031c083f901740683c00149ebf5ffff"), 100_000);
    expect(result.exception?.vector).toBe(6);
    expect(machine.cpu.eip).toBe(0x10012);
    expect(machine.cpu.reg32(0)).toBe(999);
    expect(machine.interpreter.statistics.blocksCompiled).toBe(1);
  });

  it.each([1, 2, 50])("agrees with the interpreter after every compiled unit (threshold %i)", async (threshold) => {
    const report = await runLockstep({ load: (machine) => loadSnippet(machine, PROGRAM), ramSize: 4 << 20, maxInstructions: 200_000, translator: { threshold } });
    expect(report.differences).toEqual([]);
    expect(report.compiledUnits).toBeGreaterThan(0);
  });
});

/*
 * mov ecx, 10000000 / 1: inc eax / test eax, 1 / jz 2f / inc ebx / 2: dec ecx / jnz 1b — a long
 * loop whose back-edge leaves the entry segment it is in, so it goes round through the region's
 * dispatch loop. Without the bound one region call would run all 50M instructions (checked: the
 * test fails with the bound's check removed).
 */
const LONG_LOOP = hex("b980969800 40a901000000740143 4975f4");

describe("the loop bound of compiled code", () => {
  it.each([1, 50])("a long loop leaves compiled code after at most LOOP_INSTRUCTIONS (threshold %i)", async (threshold) => {
    const machine = new Machine({ ramSize: 1 << 20, stopOnException: true });
    loadSnippet(machine, LONG_LOOP);
    await enableTranslator(machine, { threshold });
    const result = machine.run({ maxInstructions: 1000 });
    expect(result.reason).toBe("budget");
    expect(machine.interpreter.statistics.compiledInstructions).toBeGreaterThan(0);
    // The run loop gives compiled code what is left of the budget; a region call may overrun it
    // by one bound's worth of instructions at most (WasmBuilder.LOOP_INSTRUCTIONS = 65,536).
    expect(result.instructions).toBeGreaterThanOrEqual(1000);
    expect(result.instructions).toBeLessThanOrEqual(1000 + 65_536 + 8);
    const eax = machine.cpu.reg32(0) >>> 0;
    expect(eax).toBeGreaterThan(1000 / 5 - 1);
    expect(Math.abs((machine.cpu.reg32(3) >>> 0) - Math.ceil(eax / 2))).toBeLessThanOrEqual(1);
  });
});
