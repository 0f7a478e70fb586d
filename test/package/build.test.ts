/**
 * The npm package (tsup.config.ts) as users load it: built into a temporary directory, then required
 * as CommonJS and imported as an ES module in processes of their own, each running a guest with the
 * translator compiling in the foreground and in a worker thread. Binaryen is an ES module with
 * top-level await, which require() refuses: the CommonJS build must reach it another way.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const GUEST = new URL("../../bench/guests/bin/sieve.elf", import.meta.url).pathname;

/** A script that loads the package (`load`), runs sieve with the translator both ways, prints JSON. */
function script(load: string): string {
  return `
    ${load}
    const { readFileSync } = require("node:fs");
    (async () => {
      const results = [];
      for (const background of [false, true]) {
        let text = "";
        const machine = new warp86.Machine({ ramSize: 64 << 20, onSerialOutput: (byte) => { text += String.fromCharCode(byte); } });
        await warp86.enableTranslator(machine, { background });
        warp86.loadMultiboot(machine.cpu, readFileSync(${JSON.stringify(GUEST)}), { cmdline: "scale=1" });
        const result = machine.run({ maxInstructions: 1e9 });
        results.push({ background, reason: result.reason, end: /BENCH END (\\w+)/.exec(text)?.[1], compiled: machine.interpreter.statistics.compiledInstructions / result.instructions });
      }
      console.log(JSON.stringify(results));
    })().catch((error) => { console.error(error); process.exit(1); });`;
}

describe("npm package", () => {
  it("runs the translator from the CommonJS and the ES build, in the foreground and in a worker", async () => {
    // Inside the checkout (tmp/ is ignored by git), where `binaryen` resolves as it does for a user.
    const scratch = fileURLToPath(new URL("../../tmp/", import.meta.url));
    mkdirSync(scratch, { recursive: true });
    const out = mkdtempSync(join(scratch, "package-"));
    try {
      // The package build itself (tsup.config.ts, as `npm run build` runs it), into `out`.
      const tsup = spawnSync(process.execPath, [fileURLToPath(new URL("../../node_modules/tsup/dist/cli-default.js", import.meta.url)), "--out-dir", out, "--silent"], {
        cwd: fileURLToPath(new URL("../../", import.meta.url)),
        encoding: "utf8",
        timeout: 90_000,
      });
      expect(tsup.status, tsup.stderr).toBe(0);
      const runs = {
        commonjs: script(`const warp86 = require(${JSON.stringify(join(out, "index.cjs"))});`),
        module: script(`const { createRequire } = require("node:module"); let warp86; const ready = import(${JSON.stringify(join(out, "index.js"))}).then((m) => { warp86 = m; });`).replace("(async () => {", "(async () => { await ready;"),
      };
      for (const [kind, source] of Object.entries(runs)) {
        const file = join(out, `${kind}-check.cjs`);
        writeFileSync(file, source);
        const child = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });
        expect(child.status, `${kind}: ${child.stderr}`).toBe(0);
        const results = JSON.parse(child.stdout.trim().split("\n").pop()!) as { background: boolean; reason: string; end: string; compiled: number }[];
        for (const result of results) {
          // 000132a2: what the same C source prints built and run natively (bench/guests/bin/sieve.native).
          expect(result, `${kind}, background ${result.background}`).toMatchObject({ reason: "debug-exit", end: "000132a2" });
          expect(result.compiled, `${kind}, background ${result.background}`).toBeGreaterThan(0.5);
        }
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
