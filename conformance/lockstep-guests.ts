/**
 * `npm run lockstep`: the translator in lockstep with the interpreter over the project's guests (the
 * benchmark workloads and the test kernels), comparing full state after every compiled region.
 * Options: --only a,b  --max N (instructions per guest)  --json FILE.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { loadMultiboot } from "../src/loaders/multiboot.js";
import { runLockstep, type LockstepReport } from "./lockstep.js";
import { WORKLOADS } from "../bench/workloads.js";
import { scriptOptions } from "../src/cli/script-options.js";

const GUESTS: string[] = ["hello", "paging-test", ...WORKLOADS];

async function main(): Promise<void> {
  const { value } = scriptOptions(process.argv.slice(2), ["--only", "--max", "--json"]);
  const selected = value("--only")?.split(",") ?? GUESTS;
  for (const name of selected) if (!GUESTS.includes(name)) throw new Error(`unknown guest '${name}' (known: ${GUESTS.join(", ")})`);
  const max = value("--max") === undefined ? undefined : Number(value("--max"));
  if (max !== undefined && !(max > 0)) throw new Error("--max needs a positive instruction count");
  const reports: (LockstepReport & { guest: string; seconds: number })[] = [];
  for (const [n, guest] of selected.entries()) {
    process.stderr.write(`[${n + 1}/${selected.length}] ${guest}: `);
    const image = readFileSync(`bench/guests/bin/${guest}.elf`);
    const started = performance.now();
    const report = await runLockstep({
      load: (machine) => loadMultiboot(machine.cpu, image, { cmdline: "scale=1" }),
      maxInstructions: max,
      progress: (instructions) => process.stderr.write(`${(instructions / 1e6).toFixed(0)}M `),
    });
    const seconds = (performance.now() - started) / 1000;
    reports.push({ guest, seconds, ...report });
    process.stderr.write(report.differences.length === 0 ? `agree (${report.instructions} instructions, ${report.compiledUnits}/${report.units} units compiled, ${seconds.toFixed(1)} s)\n` : "DIVERGED\n");
  }
  console.log("guest          instructions      units   compiled   result");
  for (const r of reports) {
    const result = r.differences.length === 0 ? `agree (${r.reason})` : `diverged after ${r.divergedAt!.instructions} instructions at eip ${r.divergedAt!.eip.toString(16)}: ${r.differences.slice(0, 4).join("; ")}`;
    console.log(`${r.guest.padEnd(14)}${String(r.instructions).padStart(13)}${String(r.units).padStart(11)}${String(r.compiledUnits).padStart(11)}   ${result}`);
  }
  const json = value("--json");
  if (json) writeFileSync(json, JSON.stringify(reports, null, 2));
  console.log(JSON.stringify({ guests: reports.length, agreed: reports.filter((r) => r.differences.length === 0).length }));
  if (reports.some((r) => r.differences.length > 0)) process.exitCode = 1;
}

await main();
