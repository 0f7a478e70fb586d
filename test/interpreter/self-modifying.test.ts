/**
 * Self-modifying code in the interpreter: a store into the running block takes effect at the next
 * instruction, as on hardware (SDM Vol.3 11.6); decoded blocks of untouched code survive.
 */
import { describe, expect, it } from "vitest";
import { runSnippet } from "../support/run-snippet.js";

describe("self-modifying code", () => {
  it("a store patching the next instruction's immediate is seen", () => {
    // mov byte [0x10000 + 9], 0x42 ; mov eax, 0x11111111  (the store rewrites the immediate's low byte)
    const r = runSnippet("c6 05 0a 00 01 00 42 90 90 b8 11 11 11 11");
    expect(r.exception).toBeUndefined();
    expect(r.regs.eax).toBe(0x11111142);
  });

  it("a loop that patches its own immediate each iteration", () => {
    // ecx = 5; loop: inc byte [imm]; add eax, imm8 (patched); loop
    const code = "b9 05 00 00 00 31 c0 fe 05 0f 00 01 00 83 c0 00 e2 f5";
    const r = runSnippet(code);
    expect(r.exception).toBeUndefined();
    expect(r.regs.eax).toBe(1 + 2 + 3 + 4 + 5);
  });
});
