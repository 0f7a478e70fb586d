/**
 * The translator against the interpreter on random looping programs (test/support/random-programs.ts):
 * full state after every compiled unit, so flags carried across a loop's back-edge, through calls and
 * around conditional skips must match wherever the compiled code stops.
 */
import { describe, expect, it } from "vitest";
import { runLockstep } from "../../conformance/lockstep.js";
import { loadSnippet } from "../support/run-snippet.js";
import { randomProgram } from "../support/random-programs.js";

const SEEDS = Array.from({ length: 24 }, (_, n) => n + 1);

describe("random looping programs", () => {
  it.each(SEEDS)("seed %i agrees with the interpreter", async (seed) => {
    await expectAgreement(randomProgram(seed), 1 + (seed % 3));
  });

  it.each(SEEDS.slice(0, 16))("seed %i with 8- and 16-bit operations agrees with the interpreter", async (seed) => {
    await expectAgreement(randomProgram(seed + 5000, 40, 30, true), 1 + (seed % 3));
  });
});

async function expectAgreement(code: number[], threshold: number): Promise<void> {
  const report = await runLockstep({
    load: (machine) => loadSnippet(machine, code),
    ramSize: 4 << 20,
    maxInstructions: 200_000,
    translator: { threshold },
  });
  expect(report.differences).toEqual([]);
  expect(report.compiledUnits).toBeGreaterThan(0);
  // The loop ran to its end (30 iterations of a 40-instruction body) and reached the UD2 after it.
  expect(report.instructions).toBeGreaterThan(1000);
}
