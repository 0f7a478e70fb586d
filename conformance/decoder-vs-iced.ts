/**
 * `npm run decoder-check`: decoder agreement with iced-x86 over random byte sequences (default one
 * million per mode) and over every row of the opcode table. Progress on stderr; a human summary and a
 * JSON report (--json PATH, else printed last).
 */
import { writeFileSync } from "node:fs";
import { Agreement, newReport, randomSequence, xorshift, type AgreementReport } from "./decoder-agreement.js";
import { Progress } from "./progress.js";

const args = process.argv.slice(2);
const countAt = args.indexOf("--count");
const count = countAt >= 0 ? Number(args[countAt + 1]) : 1_000_000;
const jsonAt = args.indexOf("--json");
const reports: AgreementReport[] = [];
for (const mode of [16, 32] as const) {
  const agreement = new Agreement(mode);
  const report = newReport(mode);
  const next = xorshift(mode === 16 ? 0x1234 : 0x5678);
  const progress = new Progress(`decoder ${mode}-bit`, count);
  for (let n = 0; n < count; n++) {
    agreement.check(randomSequence(next), report);
    progress.tick();
  }
  progress.done();
  reports.push(report);
  const agreeing = report.bothValid - report.lengthMismatches;
  console.log(`${mode}-bit: ${report.sequences} sequences; both decode ${report.bothValid} (length agreement ${((100 * agreeing) / Math.max(1, report.bothValid)).toFixed(4)}%, mnemonic mismatches ${report.mnemonicMismatches}); both invalid ${report.bothInvalid}; we miss ${report.missing}; we decode what iced rejects ${report.extra}; out of scope ${Object.values(report.outOfScope).reduce((a, b) => a + b, 0)}`);
  for (const example of report.examples.slice(0, 15)) console.log(`   ${example}`);
}
const json = JSON.stringify(reports, null, 2);
if (jsonAt >= 0) writeFileSync(args[jsonAt + 1]!, json + "\n");
else console.log(JSON.stringify(reports.map(({ examples: _examples, ...r }) => r)));
