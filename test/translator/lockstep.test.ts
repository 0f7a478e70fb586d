/**
 * The translator against the interpreter and the hardware: the same semantic functions, consumed by
 * the WebAssembly backend, must give the hardware's results on the smoke subset of the native
 * vectors (every block compiled on its first execution), and every emitted module must validate.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadVectors, runNativeCorpus } from "../../conformance/run.js";
import { prepareTranslatedRunner } from "../../conformance/native-runner.js";
import { emitBlockModule } from "../../translator/backend/compile-block.js";
import { SEMANTICS } from "../../translator/semantics/index.js";
import { semanticKey } from "../../translator/isa/opcodes.js";
import { decodeAll, hex, runSnippet, setupMachine } from "../support/run-snippet.js";
import { Machine } from "../../src/machine.js";
import { enableTranslator } from "../../src/translator-tier.js";
import { loadMultiboot } from "../../src/loaders/multiboot.js";
import { readFileSync } from "node:fs";
import { runLockstep } from "../../conformance/lockstep.js";


describe("translator", () => {
  beforeAll(async () => {
    await prepareTranslatedRunner();
  });

  it("matches the hardware on the native smoke subset with every block compiled", () => {
    const vectors = loadVectors().filter((_, n) => n % 20 === 0);
    const report = runNativeCorpus(vectors, undefined, true);
    const failures = Object.entries(report.failuresByInstruction).map(([k, f]) => `${k}: ${f.examples[0]?.differences.join("; ")}`);
    if (failures.length) console.info(failures.join("\n"));
    expect(report.total).toBeGreaterThan(1400);
    expect(report.passed / report.total).toBeGreaterThanOrEqual(0.995);
  });

  it.each([
    ["alu and compare-and-branch", "01 d8 29 c8 39 d0 0f 82 00 00 00 00"],
    ["memory read-modify-write and shifts", "01 03 d3 e0 c1 3b 03 0f a4 c2 05"],
    ["multiply, divide, string", "f7 e3 f7 f1 f3 a4 0f af c3"],
    ["stack and calls", "50 5b e8 00 00 00 00 c3"],
  ])("emits a valid module for %s", (_name, code) => {
    const instructions = decodeAll(code);
    const semantics = instructions.map((i) => SEMANTICS[semanticKey(i.row)]);
    const { bytes } = emitBlockModule(instructions, semantics, 0x1000, { code16: false, stack16: false, protectedMode: true, cpl: 0 }, { validate: true });
    expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)).toBe(true);
  });

  it("runs the strings workload (REP helpers inside looping regions) to the native checksum", async () => {
    const machine = new Machine({ ramSize: 64 << 20 });
    await enableTranslator(machine);
    loadMultiboot(machine.cpu, readFileSync("bench/guests/bin/strings.elf"), { cmdline: "scale=1" });
    machine.run({ maxInstructions: 100_000_000 });
    // 01e33621: printed by the same C source built natively (bench/guests/bin/strings.native 1).
    expect(machine.serialText()).toContain("BENCH END 01e33621");
    expect(machine.interpreter.statistics.blocksCompiled).toBeGreaterThan(0);
  });

  it("compiles in a worker thread while the interpreter goes on, and installs the translations", async () => {
    const machine = new Machine({ ramSize: 64 << 20 });
    await enableTranslator(machine, { background: true });
    loadMultiboot(machine.cpu, readFileSync("bench/guests/bin/sieve.elf"), { cmdline: "scale=1" });
    const result = machine.run({ maxInstructions: 1_000_000_000 });
    const stats = machine.interpreter.statistics;
    expect(result.reason).toBe("debug-exit");
    // 000132a2: printed by the same C source built and run natively (gcc -O2 -DNATIVE, x86-64).
    expect(machine.serialText()).toContain("BENCH END 000132a2");
    expect(stats.compileFailures).toBe(0);
    expect(stats.backgroundCompileSeconds).toBeGreaterThan(0);
    expect(stats.compiledInstructions / result.instructions).toBeGreaterThan(0.5);
  });

  it("runs a guest kernel to the same output as the interpreter", async () => {
    const run = async (translate: boolean) => {
      const machine = new Machine({ ramSize: 32 << 20 });
      if (translate) await enableTranslator(machine, { threshold: 2 });
      loadMultiboot(machine.cpu, readFileSync("bench/guests/bin/paging-test.elf"));
      const result = machine.run({ maxInstructions: 50_000_000 });
      return { result, text: machine.serialText(), compiled: machine.interpreter.statistics.blocksCompiled };
    };
    const interpreted = await run(false);
    const translated = await run(true);
    expect(translated.compiled).toBeGreaterThan(10);
    expect(translated.text).toBe(interpreted.text);
    expect(translated.result.reason).toBe(interpreted.result.reason);
    expect(translated.text).toContain("paging test passed");
  });

  it("self-modifying code: a loop patching its own immediate, compiled from the first execution", async () => {
    // ecx = 5; eax = 0; loop: inc byte [imm]; add eax, imm8 (patched); loop
    const code = hex("b9 05 00 00 00 31 c0 fe 05 0f 00 01 00 83 c0 00 e2 f5");
    const interpreted = runSnippet(code);
    const { machine } = setupMachine(code);
    await enableTranslator(machine, { threshold: 1 });
    machine.run({ maxInstructions: 1000 });
    expect(interpreted.regs.eax).toBe(15);
    expect(machine.cpu.reg32(0)).toBe(15);
    expect(machine.interpreter.statistics.blocksCompiled).toBeGreaterThan(1);
    expect(machine.interpreter.statistics.blocksInvalidated).toBeGreaterThan(0);
  });
});

describe("translator code cache", () => {
  it("stays within its capacity, evicting the oldest translations, and still computes the same", async () => {
    const machine = new Machine({ ramSize: 32 << 20 });
    await enableTranslator(machine, { threshold: 2, capacity: 4 });
    loadMultiboot(machine.cpu, readFileSync("bench/guests/bin/paging-test.elf"));
    machine.run({ maxInstructions: 50_000_000 });
    const stats = machine.interpreter.statistics;
    expect(machine.serialText()).toContain("paging test passed");
    expect(stats.translationsEvicted).toBeGreaterThan(0);
    expect(stats.blocksCompiled - stats.translationsEvicted).toBeLessThanOrEqual(4);
  });
});

describe("lockstep with the interpreter (full state after every compiled region)", () => {
  const load = (name: string) => {
    const image = readFileSync(`bench/guests/bin/${name}.elf`);
    return (machine: Machine) => loadMultiboot(machine.cpu, image, { cmdline: "scale=1" });
  };
  it.each([
    // [guest, instructions, translator options]: a paging kernel to its end; the start of the call/ret,
    // switch-dispatch and self-modifying workloads; a tiny code cache so eviction and slot reuse happen.
    ["paging-test", 5_000_000, { threshold: 2 }],
    ["fib", 1_000_000, {}],
    ["interp", 1_000_000, {}],
    ["smc", 300_000, {}],
    ["quicksort", 2_000_000, { threshold: 2, capacity: 8 }],
  ] as const)("%s agrees for %i instructions", async (guest, instructions, translator) => {
    const report = await runLockstep({ load: load(guest), ramSize: 64 << 20, maxInstructions: instructions, translator });
    expect(report.differences).toEqual([]);
    expect(report.compiledUnits).toBeGreaterThan(10);
    if (guest === "paging-test") expect(report.reason).toBe("debug-exit");
    else expect(report.instructions).toBeGreaterThanOrEqual(instructions);
  });
});
