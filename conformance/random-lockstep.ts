/**
 * `npm run lockstep:random`: the translator in lockstep with the interpreter over random looping
 * programs (test/support/random-programs.ts), the wide variant and the 8/16-bit one for each seed,
 * compiled at thresholds 1–3 — the by-hand extension of the 40 programs `npm test` runs.
 * Options: --first N (default 100)  --count N (seeds, default 100)  --json FILE.
 */
import { writeFileSync } from "node:fs";
import { runLockstep } from "./lockstep.js";
import { loadSnippet } from "../test/support/run-snippet.js";
import { randomProgram } from "../test/support/random-programs.js";
import { scriptOptions } from "../src/cli/script-options.js";

async function main(): Promise<void> {
  const { value } = scriptOptions(process.argv.slice(2), ["--first", "--count", "--json"]);
  const first = Number(value("--first") ?? 100);
  const count = Number(value("--count") ?? 100);
  if (!Number.isInteger(first) || first < 0 || !Number.isInteger(count) || count < 1) throw new Error("--first and --count take non-negative / positive integers");
  const failures: { seed: number; narrow: boolean; differences: string[] }[] = [];
  let programs = 0;
  for (let seed = first; seed < first + count; seed++) {
    for (const narrow of [false, true]) {
      const code = narrow ? randomProgram(seed + 5000, 40, 30, true) : randomProgram(seed);
      const report = await runLockstep({ load: (machine) => loadSnippet(machine, code), ramSize: 4 << 20, maxInstructions: 200_000, translator: { threshold: 1 + (seed % 3) } });
      programs++;
      // A program that stops early (a fault) compared too little to count as agreement.
      const problem = report.differences.length > 0 ? report.differences : report.instructions < 1000 ? [`stopped after ${report.instructions} instructions`] : [];
      if (problem.length > 0) {
        failures.push({ seed, narrow, differences: problem.slice(0, 8) });
        process.stderr.write(`\nseed ${seed}${narrow ? " (8/16-bit)" : ""}: ${problem.slice(0, 3).join("; ")}\n`);
      }
    }
    if ((seed - first + 1) % 10 === 0) process.stderr.write(`${seed - first + 1}/${count} seeds `);
  }
  process.stderr.write("\n");
  console.log(`random programs, seeds ${first}..${first + count - 1}: ${programs - failures.length}/${programs} agree`);
  const json = value("--json");
  if (json) writeFileSync(json, JSON.stringify({ first, count, programs, failures }, null, 2));
  if (failures.length > 0) process.exitCode = 1;
}

await main();
