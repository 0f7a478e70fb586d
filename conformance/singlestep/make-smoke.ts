/**
 * Extracts the small SingleStepTests subset that `npm test` runs (the project must not depend on
 * ../shared): the first N tests of every opcode file, as JSON, with the suite's MIT license.
 *   npx tsx conformance/singlestep/make-smoke.ts ../shared/data/singlestep-80286 [N=3]
 */
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parseMoo } from "./moo.js";
import { flagsMaskFor } from "./run-suite.js";

const root = process.argv[2] ?? "../shared/data/singlestep-80286";
const perFile = Number(process.argv[3] ?? 3);
const directory = join(root, "v1_real_mode");
const metadata = JSON.parse(readFileSync(join(directory, "metadata.json"), "utf8"));
const files = readdirSync(directory).filter((f) => f.endsWith(".MOO.gz")).sort();
const extract = files.map((file) => ({
  file: file.replace(/\.MOO\.gz$/, ""),
  flagsMask: flagsMaskFor(metadata, file),
  tests: parseMoo(readFileSync(join(directory, file))).tests.slice(0, perFile),
}));
writeFileSync("conformance/singlestep/smoke/tests.json.gz", gzipSync(JSON.stringify(extract)));
copyFileSync(join(root, "LICENSE"), "conformance/singlestep/smoke/LICENSE");
console.log(`extracted ${extract.reduce((n, f) => n + f.tests.length, 0)} tests from ${files.length} files`);
