/** Interrupt delivery in real mode through the IVT (SDM Vol.3 20.1.4) and IRET back. */
import { describe, expect, it } from "vitest";
import { setupMachine, hex, type SnippetSetup } from "../support/run-snippet.js";
import { REG32_NAMES, State } from "../../runtime/state/layout.js";
import { ImmediateBuilder } from "../../runtime/interpreter/immediate-builder.js";

/** Run in real mode with the IVT at 0 (IDTR limit 0x3FF as after RESET, SDM Vol.3 Table 10-1). */
function runReal(code: string, setup: SnippetSetup) {
  const bytes = hex(code);
  const { machine, end } = setupMachine(bytes, { ...setup, mode: "real" });
  const cpu = machine.cpu;
  cpu.setField(State.idtrBase, 0);
  cpu.setField(State.idtrLimit, 0x3ff);
  const result = machine.run({ maxInstructions: 10_000 });
  const regs = Object.fromEntries(REG32_NAMES.map((name, n) => [name, cpu.reg32(n) >>> 0])) as Record<string, number>;
  const finished = result.exception?.vector === 6 && cpu.eip === end;
  return {
    regs,
    eip: cpu.eip,
    eflags: new ImmediateBuilder(cpu).getEflags() >>> 0,
    exception: finished ? undefined : result.exception,
    read: (address: number, length: number) => Array.from(cpu.readPhysicalBytes(address, length)),
  };
}

describe("real-mode interrupts", () => {
  it("INT n pushes FLAGS, CS, IP and clears IF and TF", () => {
    // IVT[0x21] = 0000:2000, handler = UD2
    const r = runReal("cd 21", {
            eflags: 0x200 | 0x1,
      memory: [{ address: 0x84, bytes: [0x00, 0x20, 0x00, 0x00] }, { address: 0x2000, bytes: [0x0f, 0x0b] }],
    });
    expect(r.exception?.vector).toBe(6);
    expect(r.eip).toBe(0x2000);
    expect(r.regs.esp).toBe(0x8000 - 6);
    const stack = r.read(0x8000 - 6, 6);
    expect(stack).toEqual([0x02, 0x10, 0x00, 0x00, 0x03, 0x02]); // IP=0x1002, CS=0, FLAGS=0x0203
    expect(r.eflags & 0x300).toBe(0);
  });
  it("INT then IRET returns after the INT with FLAGS restored", () => {
    // handler at 0x2000: mov ax, 0x55; iret
    const r = runReal("cd 21 90", {
            eflags: 0x200,
      memory: [{ address: 0x84, bytes: [0x00, 0x20, 0x00, 0x00] }, { address: 0x2000, bytes: [0xb8, 0x55, 0x00, 0xcf] }],
    });
    expect(r.exception).toBeUndefined();
    expect(r.regs.eax & 0xffff).toBe(0x55);
    expect(r.regs.esp).toBe(0x8000);
    expect(r.eflags & 0x200).toBe(0x200);
  });
  it("INTO traps only with OF set", () => {
    const memory = [{ address: 0x10, bytes: [0x00, 0x20, 0x00, 0x00] }, { address: 0x2000, bytes: [0x0f, 0x0b] }];
    expect(runReal("ce", { memory }).exception).toBeUndefined();
    const r = runReal("ce", { eflags: 0x800, memory });
    expect(r.eip).toBe(0x2000);
  });
});
