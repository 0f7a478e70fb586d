/**
 * `npm run conformance`: runs the committed hardware vectors (conformance/vectors/*.jsonl.gz) and
 * prints a pass table per instruction class, the failures by instruction, and a JSON report.
 *
 *   npm run conformance -- [--class alu] [--filter MNEMONIC] [--limit N] [--json report.json] [--verbose]
 *   npm run conformance -- --singlestep ../shared/data/singlestep-80286/v1_real_mode [--limit N]
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { ConformanceVector } from "./format.js";
import { compareOutcome, prepareTranslatedRunner, runNativeVector } from "./native-runner.js";
import { runSingleStepSuite } from "./singlestep/run-suite.js";
import { Progress } from "./progress.js";
import { scriptOptions } from "../src/cli/script-options.js";

export function loadVectors(directory = "conformance/vectors"): ConformanceVector[] {
  const vectors: ConformanceVector[] = [];
  for (const file of readdirSync(directory).filter((f) => f.endsWith(".jsonl.gz")).sort()) {
    const text = gunzipSync(readFileSync(`${directory}/${file}`)).toString("utf8");
    for (const line of text.split("\n")) if (line.trim()) vectors.push(JSON.parse(line) as ConformanceVector);
  }
  return vectors;
}

export interface ClassResult {
  total: number;
  passed: number;
}

export interface NativeReport {
  total: number;
  passed: number;
  byClass: Record<string, ClassResult>;
  failuresByInstruction: Record<string, { count: number; examples: { id: string; differences: string[] }[] }>;
}

export function runNativeCorpus(vectors: ConformanceVector[], progress?: Progress, translated = false): NativeReport {
  const report: NativeReport = { total: 0, passed: 0, byClass: {}, failuresByInstruction: {} };
  for (const v of vectors) {
    let differences: string[];
    try {
      differences = compareOutcome(v, runNativeVector(v, { translated }));
    } catch (error) {
      differences = [`runner error: ${(error as Error).message}`];
    }
    const klass = (report.byClass[v.class] ??= { total: 0, passed: 0 });
    klass.total++;
    report.total++;
    if (differences.length === 0) {
      klass.passed++;
      report.passed++;
    } else {
      const key = v.mnemonics.join(" ");
      const entry = (report.failuresByInstruction[key] ??= { count: 0, examples: [] });
      entry.count++;
      if (entry.examples.length < 3) entry.examples.push({ id: v.id, differences });
    }
    progress?.tick();
  }
  return report;
}

function percent(passed: number, total: number): string {
  return total === 0 ? "-" : `${((100 * passed) / total).toFixed(2)}%`;
}

function printNativeReport(report: NativeReport, verbose: boolean): void {
  console.log(`\nnative hardware vectors: ${report.passed}/${report.total} passed (${percent(report.passed, report.total)})\n`);
  console.log("class".padEnd(12) + "passed".padStart(10) + "total".padStart(8) + "rate".padStart(10));
  for (const [klass, r] of Object.entries(report.byClass).sort()) {
    console.log(klass.padEnd(12) + String(r.passed).padStart(10) + String(r.total).padStart(8) + percent(r.passed, r.total).padStart(10));
  }
  const failures = Object.entries(report.failuresByInstruction).sort((a, b) => b[1].count - a[1].count);
  if (failures.length > 0) {
    console.log("\nfailures by instruction:");
    for (const [key, entry] of failures.slice(0, verbose ? 500 : 40)) {
      console.log(`  ${String(entry.count).padStart(5)}  ${key}`);
      for (const example of entry.examples.slice(0, verbose ? 3 : 1)) console.log(`         ${example.id}: ${example.differences.slice(0, 3).join("; ")}`);
    }
  }
}

async function main(): Promise<void> {
  const options = scriptOptions(process.argv.slice(2), ["--class", "--filter", "--limit", "--json", "--verbose", "--singlestep", "--tier"]);
  const value = options.value;
  const limit = value("--limit") ? Number(value("--limit")) : undefined;
  const jsonPath = value("--json");
  const verbose = options.has("--verbose");
  const singlestep = value("--singlestep");
  if (singlestep !== undefined) {
    const report = runSingleStepSuite(singlestep, { limit, filter: value("--filter") });
    if (jsonPath) writeFileSync(jsonPath, JSON.stringify(report, null, 2) + "\n");
    process.exitCode = report.passed / Math.max(report.total, 1) >= 0.99 ? 0 : 1;
    return;
  }
  let vectors = loadVectors();
  const klass = value("--class");
  const filter = value("--filter");
  if (klass) vectors = vectors.filter((v) => v.class === klass);
  if (filter) vectors = vectors.filter((v) => v.mnemonics.includes(filter.toUpperCase()));
  if (limit !== undefined) vectors = vectors.slice(0, limit);
  const tier = value("--tier") ?? "interpreter";
  if (tier !== "interpreter" && tier !== "translator") throw new Error("--tier is interpreter or translator");
  if (tier === "translator") await prepareTranslatedRunner();
  const progress = new Progress(`native vectors (${tier})`, vectors.length);
  const report = runNativeCorpus(vectors, progress, tier === "translator");
  progress.done();
  printNativeReport(report, verbose);
  if (jsonPath) writeFileSync(jsonPath, JSON.stringify(report, null, 2) + "\n");
  else console.log(`\n${JSON.stringify({ total: report.total, passed: report.passed, byClass: report.byClass })}`);
  process.exitCode = report.passed / Math.max(report.total, 1) >= 0.999 ? 0 : 1;
}

if (process.argv[1]?.endsWith("run.ts")) await main();
