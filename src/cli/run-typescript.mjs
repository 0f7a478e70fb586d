/**
 * Runs one of the project's TypeScript entry points from source (npm scripts: demo, bench,
 * conformance, lockstep): `node src/cli/run-typescript.mjs <file.ts> [args…]`. The hooks
 * (typescript-hooks.mjs) strip types with esbuild, the compiler tsup uses for the npm build, so that
 * what runs here is what ships.
 */
import { register } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const entry = process.argv[2];
if (entry === undefined) {
  console.error("usage: node src/cli/run-typescript.mjs <file.ts> [arguments]");
  process.exit(2);
}
register("./typescript-hooks.mjs", import.meta.url);
// The entry point sees the usual argv: [node, its own path, its arguments…].
process.argv.splice(1, 1);
await import(pathToFileURL(resolve(entry)).href);
