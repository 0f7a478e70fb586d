/**
 * A smoke subset of the native hardware vectors (every 20th of the committed corpus, ~1,500 across
 * all classes): results recorded on a real CPU by conformance/oracle, compared register by register.
 */
import { describe, expect, it } from "vitest";
import { loadVectors, runNativeCorpus } from "../../conformance/run.js";

describe("native hardware vectors (smoke subset)", () => {
  const vectors = loadVectors().filter((_, n) => n % 20 === 0);
  const report = runNativeCorpus(vectors);

  it("covers every instruction class", () => {
    expect(Object.keys(report.byClass).length).toBeGreaterThanOrEqual(17);
    expect(report.total).toBeGreaterThan(1400);
  });

  for (const [klass, result] of Object.entries(report.byClass)) {
    it(`class ${klass}: at least 97% of ${result.total} vectors match the hardware`, () => {
      const failures = Object.entries(report.failuresByInstruction)
        .flatMap(([key, f]) => f.examples.filter((e) => e.id.startsWith(`${klass}-`)).map((e) => `${key} ${e.id}: ${e.differences.join("; ")}`));
      if (failures.length) console.info(failures.join("\n"));
      expect(result.passed / result.total).toBeGreaterThanOrEqual(0.97);
    });
  }

  it("passes at least 99.5% overall", () => {
    expect(report.passed / report.total).toBeGreaterThanOrEqual(0.995);
  });
});
