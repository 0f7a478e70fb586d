/**
 * POPF's privilege rules and the IOPL-sensitive CLI/STI (SDM Vol.2 POPF, CLI, STI; Vol.1 3.4.3):
 * IOPL changes only at CPL 0; IF changes only when CPL ≤ IOPL, and an attempt from a less privileged
 * level is ignored without a fault; VM, VIP, VIF are never written by POPF and RF is cleared; reserved
 * bits read as 0 (bit 1 as 1); AC and ID are writable at any level.
 */
import { describe, expect, it } from "vitest";
import { runSnippet } from "../support/run-snippet.js";
import { descriptor, runWithTables } from "./machine-with-tables.js";
import { ImmediateBuilder } from "../../runtime/interpreter/immediate-builder.js";
import { Cpu } from "../../runtime/cpu.js";
import { State } from "../../runtime/state/layout.js";
import { sti } from "../../runtime/helpers/callouts.js";

const IF = 0x200, IOPL3 = 0x3000, CF = 1, AC = 0x40000, ID = 0x200000;

function hex32(n: number): string {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** push imm32; popf (32-bit operand size). */
function popf(value: number, cpl: 0 | 3, eflags: number) {
  return runSnippet(`68${hex32(value)} 9d`, { cpl, eflags });
}

describe("POPF", () => {
  it.each([
    // CPL, IOPL and IF before, popped value, EFLAGS after, why
    [0, 0, 0, IOPL3 | IF | CF, IOPL3 | IF | CF | 2, "CPL 0 changes IOPL and IF"],
    [0, IOPL3, IF, 0, 2, "CPL 0 clears IOPL and IF"],
    [3, 0, IF, IOPL3 | CF, IF | CF | 2, "CPL 3 > IOPL 0: IF and IOPL kept, CF written, no fault"],
    [3, 0, 0, IF, 2, "CPL 3 > IOPL 0: IF cannot be set either"],
    [3, IOPL3, IF, 0, IOPL3 | 2, "CPL 3 = IOPL 3: IF cleared, IOPL kept"],
    [3, IOPL3, 0, IF, IOPL3 | IF | 2, "CPL 3 = IOPL 3: IF set"],
    [3, 0, 0, AC | ID, AC | ID | 2, "AC and ID are writable at CPL 3 (CPUID detection toggles ID)"],
    [0, 0, 0, 0x001b0000, 2, "VM, RF, VIF, VIP are not written by POPF"],
    [0, 0, 0, 0xffc08028, 2, "reserved bits 3, 5, 15, 22-31 stay 0"],
    [0, 0, 0, 0x00000cd5, 0xcd5 | 2, "the arithmetic flags, DF and OF"],
  ] as const)("CPL %s, IOPL %s, IF %s, pop %s → %s (%s)", (cpl, iopl, ifFlag, value, expected, _why) => {
    const run = popf(value, cpl, iopl | ifFlag);
    expect(run.exception).toBeUndefined();
    expect(run.eflags).toBe(expected);
  });
  it("POPF clears RF", () => {
    expect(popf(0, 0, 0x10000).eflags).toBe(2);
  });
  it("16-bit POPF writes only the low 16 bits", () => {
    const run = runSnippet(`68${hex32(0xffff0001)} 669d`, { eflags: ID });
    expect(run.eflags).toBe(ID | CF | 2);
    expect(run.regs.esp).toBe(0x80000 - 2);
  });
  it("real mode: IOPL and IF are writable", () => {
    const run = runSnippet("680132 9d", { mode: "real" });
    expect(run.exception).toBeUndefined();
    expect(run.eflags).toBe(IOPL3 | IF | CF | 2);
  });
});

describe("CLI and STI", () => {
  it.each([
    // instruction, CPL, IOPL, IF before, outcome (IF after, or #GP(0))
    ["fa", 0, 0, IF, 0],
    ["fb", 0, 0, 0, IF],
    ["fa", 3, 0, IF, "#GP"],
    ["fb", 3, 0, 0, "#GP"],
    ["fa", 3, IOPL3, IF, 0],
    ["fb", 3, IOPL3, 0, IF],
  ] as const)("%s at CPL %s with IOPL %s", (code, cpl, iopl, ifBefore, outcome) => {
    const run = runSnippet(code, { cpl, eflags: iopl | ifBefore });
    if (outcome === "#GP") {
      expect(run.exception).toEqual({ vector: 13, errorCode: 0 });
      expect(run.eflags & IF).toBe(ifBefore);
    } else {
      expect(run.exception).toBeUndefined();
      expect(run.eflags & IF).toBe(outcome);
    }
  });
  it("CLI/STI in real mode", () => {
    expect(runSnippet("fa", { mode: "real", eflags: IF }).eflags & IF).toBe(0);
    expect(runSnippet("fb", { mode: "real" }).eflags & IF).toBe(IF);
  });
  it("STI opens an interrupt shadow only when it sets IF (SDM Vol.2 STI)", () => {
    const cpu = new Cpu({ ramSize: 1 << 20 });
    cpu.setField(State.eflags, 2);
    sti(cpu);
    expect(cpu.field(State.interruptShadow)).toBe(1);
    cpu.setField(State.interruptShadow, 0);
    sti(cpu);
    expect(cpu.field(State.interruptShadow)).toBe(0);
  });
});

describe("IRET's EFLAGS (SDM Vol.2 IRET, return to the same level)", () => {
  const GDT = [[], descriptor(0, 0xfffff, 0xc09a), descriptor(0, 0xfffff, 0xc092)];
  /** push image; push cs 0x08; push eip (the UD2 that ends the snippet at 0x1000D); iret. */
  function iret(image: number): number {
    const run = runWithTables(`68${hex32(image)} 6a08 680d000100 cf`, { gdt: GDT });
    expect(run.exception).toBeUndefined();
    return new ImmediateBuilder(run.machine.cpu).getEflags() >>> 0;
  }
  it("restores RF, VIF and VIP at CPL 0 (POPF would not)", () => {
    expect(iret(0x00190002)).toBe(0x00190002);
  });
  it("IOPL and IF at CPL 0", () => {
    expect(iret(0x3202 | CF)).toBe(0x3203);
  });
});
