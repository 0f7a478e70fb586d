/**
 * A committed extract of SingleStepTests (80286 real mode, captured from hardware; MIT license in
 * conformance/singlestep/smoke/LICENSE): three tests per opcode file. Documented 286/i686
 * deviations are counted apart; the rest must pass at the rate the full suite reaches.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { SingleStepRunner, documentedDeviation } from "../../conformance/singlestep/run-suite.js";
import type { MooTest } from "../../conformance/singlestep/moo.js";

interface ExtractFile {
  file: string;
  flagsMask: number;
  tests: MooTest[];
}

describe("SingleStepTests 80286 extract", () => {
  it("passes at least 98% of the non-deviating tests", () => {
    const extract = JSON.parse(gunzipSync(readFileSync("conformance/singlestep/smoke/tests.json.gz")).toString()) as ExtractFile[];
    const runner = new SingleStepRunner();
    let total = 0;
    let passed = 0;
    const failures: string[] = [];
    for (const file of extract) {
      for (const test of file.tests) {
        if (documentedDeviation(test) !== undefined) continue;
        total++;
        const differences = runner.run(test, file.flagsMask);
        if (differences.length === 0) passed++;
        else failures.push(`${file.file} ${test.name}: ${differences.slice(0, 2).join("; ")}`);
      }
    }
    if (failures.length) console.info(`singlestep extract failures:\n  ${failures.join("\n  ")}`);
    expect(total).toBeGreaterThan(400);
    expect(passed / total).toBeGreaterThanOrEqual(0.98);
  });
});
