/**
 * Runs one of the project's TypeScript entry points from source (npm scripts: demo, bench,
 * conformance, lockstep): `node src/cli/run-typescript.mjs <file.ts> [args…]`.
 *
 * Why not plain `tsx <file.ts>`: tsx's loader rewrites every module that contains `import(`,
 * building a full-resolution source map of it, and binaryen's index.js is 15 MB: that costs 20+
 * seconds at each start. Binaryen is loaded here first, natively, so that by the time tsx's hooks
 * are registered it is already in the module cache and never passes through them.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const entry = process.argv[2];
if (entry === undefined) {
  console.error("usage: node src/cli/run-typescript.mjs <file.ts> [arguments]");
  process.exit(2);
}
await import("binaryen");
const { register } = await import("tsx/esm/api");
register();
// The entry point sees the usual argv: [node, its own path, its arguments…].
process.argv.splice(1, 1);
await import(pathToFileURL(resolve(entry)).href);
