/**
 * The benchmark harness end to end, on its smallest run: one workload at scale 1, once, both tiers,
 * no peers. It must print the table and write a JSON report whose figures hang together (the real
 * runs are `npm run bench`).
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("npm run bench (smoke)", () => {
  it("runs a workload natively and under both tiers and reports it as JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "warp86-bench-"));
    try {
      const json = join(dir, "report.json");
      const child = spawnSync(process.execPath, ["src/cli/run-typescript.mjs", "bench/run.ts", "--only", "strings", "--scale", "1", "--repeats", "1", "--no-peers", "--json", json], { encoding: "utf8" });
      expect(child.status, child.stderr).toBe(0);
      expect(child.stdout).toContain("workload   scale");
      const report = JSON.parse(readFileSync(json, "utf8"));
      expect(report.scales).toEqual({ strings: 1 });
      const [result] = report.results;
      expect(result.workload).toBe("strings");
      expect(result.interpreter.checksum).toBe(result.translator.checksum);
      expect(result.translator.compiledShare).toBeGreaterThan(0);
      expect(result.speedup).toBeGreaterThan(0);
      // A native run needs an i386-capable kernel or gcc; where there is one, its checksum agrees.
      if (result.nativeSeconds !== null) {
        expect(result.translator.checksumAgrees).toBe(true);
        expect(result.translator.slowdown).toBeCloseTo(result.translator.seconds / result.nativeSeconds, 6);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
