/**
 * The decoder against iced-x86 (a reference decoder): every row of the opcode table, and 20,000
 * random sequences per mode (the full million-per-mode run is `npm run decoder-check`).
 */
import { describe, expect, it } from "vitest";
import { Agreement, ROW_OPCODES, newReport, randomSequence, xorshift } from "../../conformance/decoder-agreement.js";

describe.each([16, 32] as const)("decoder vs iced-x86, %i-bit code", (mode) => {
  it("agrees on every opcode row with ModRM and operand-size variants", () => {
    const agreement = new Agreement(mode);
    const report = newReport(mode);
    const next = xorshift(7);
    for (const opcode of ROW_OPCODES) {
      for (const modrm of [0x00, 0x05, 0x44, 0x84, 0xc0, 0xd8, 0xff]) {
        for (const prefix of [[], [0x66], [0x67]]) {
          const bytes = new Uint8Array(15).map(() => next() & 0xff);
          bytes.set([...prefix, ...opcode, modrm]);
          agreement.check(bytes, report);
        }
      }
    }
    expect(report.examples.filter((e) => e.startsWith("length") || e.startsWith("missing"))).toEqual([]);
    expect(report.lengthMismatches).toBe(0);
    expect(report.missing).toBe(0);
  });

  it("agrees on the length of 20,000 random sequences", () => {
    const agreement = new Agreement(mode);
    const report = newReport(mode);
    const next = xorshift(mode * 977);
    for (let n = 0; n < 20_000; n++) agreement.check(randomSequence(next), report);
    expect(report.lengthMismatches).toBe(0);
    expect(report.missing).toBe(0);
    expect(report.bothValid).toBeGreaterThan(15_000);
  });
});
