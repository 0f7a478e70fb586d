/**
 * Data and stack segment loads in protected mode: every #GP/#SS/#NP case of SDM Vol.2 MOV Sreg (and the
 * checks of SDM Vol.3 5.4-5.6), with the error code the SDM gives (the selector with RPL cleared, or 0).
 * Expected values come from the SDM's rules, case by case; none is derived from the code under test.
 */
import { describe, expect, it } from "vitest";
import { descriptor, runWithTables, physical32, GDT_ADDRESS, LDT_ADDRESS } from "./machine-with-tables.js";
import { Seg, State } from "../../runtime/state/layout.js";
import { loadSegment } from "../../runtime/helpers/segments.js";
import { runSnippet } from "../support/run-snippet.js";

const GP = 13, SS = 12, NP = 11, UD = 6;

/** The test GDT (index: selector). */
const GDT = [
  [], //                                      0x00 null
  descriptor(0, 0xfffff, 0xc09a), //          0x08 code, DPL 0, execute/read
  descriptor(0x12345000, 0xfff, 0x4092), //   0x10 data, DPL 0, read/write, byte-granular limit 0xFFF, not accessed
  descriptor(0, 0xfffff, 0xc0f2), //          0x18 data, DPL 3, read/write
  descriptor(0, 0xfffff, 0xc012), //          0x20 data, DPL 0, read/write, NOT present
  descriptor(0, 0xfffff, 0xc0f8), //          0x28 code, DPL 3, execute-only
  descriptor(0, 0xfffff, 0xc09e), //          0x30 code, DPL 0, conforming, readable
  descriptor(0, 0xfffff, 0xc098), //          0x38 code, DPL 0, execute-only
  descriptor(LDT_ADDRESS, 0xf, 0x0082), //    0x40 LDT (system)
  descriptor(0x3000, 0x67, 0x0089), //        0x48 32-bit TSS, available (system)
  descriptor(0, 0xfffff, 0xc0f0), //          0x50 data, DPL 3, read-only
  descriptor(0, 0xfffff, 0xc072), //          0x58 data, DPL 3, read/write, NOT present
  descriptor(0, 0xfff, 0x4096), //            0x60 data, DPL 0, read/write, expand-down, limit 0xFFF, B=1
  descriptor(0, 0xfffff, 0xc0b2), //          0x68 data, DPL 1, read/write
  descriptor(0, 0xfffff, 0xc0fa), //          0x70 code, DPL 3, execute/read, non-conforming
]; // limit 0x77: selectors from 0x78 up lie beyond it
const LDT = [
  descriptor(0x4000, 0xffff, 0x00f2), //      0x04 data, DPL 3, read/write
  descriptor(0x5000, 0xffff, 0x0092), //      0x0C data, DPL 0, read/write
]; // limit 0x0F: 0x14 lies beyond it

const MOV_DS_AX = "8ed8";
const MOV_SS_AX = "8ed0";

type Outcome = "ok" | [vector: number, errorCode: number];

function load(code: string, selector: number, cpl: 0 | 3, withLdt = true) {
  return runWithTables(code, { cpl, regs: { eax: selector }, gdt: GDT, ...(withLdt ? { ldt: LDT } : {}) });
}

function expectOutcome(run: ReturnType<typeof load>, outcome: Outcome): void {
  if (outcome === "ok") expect(run.exception).toBeUndefined();
  else expect(run.exception).toEqual({ vector: outcome[0], errorCode: outcome[1] });
}

// SDM Vol.2 MOV: "IF DS, ES, FS, or GS is loaded with non-NULL selector: IF segment selector index is
// outside descriptor table limits ... #GP(selector); IF segment is not a data or readable code segment
// or ((segment is a data or nonconforming code segment) and (both RPL and CPL > DPL)) #GP(selector);
// IF segment not marked present #NP(selector)". A null selector loads without fault.
const DATA_CASES: [selector: number, cpl: 0 | 3, outcome: Outcome, why: string][] = [
  [0x0000, 0, "ok", "null selector"],
  [0x0003, 3, "ok", "null selector with RPL 3"],
  [0x0010, 0, "ok", "DPL 0 data at CPL 0"],
  [0x0013, 0, [GP, 0x10], "RPL 3 > DPL 0"],
  [0x0018, 0, "ok", "DPL 3 data at CPL 0"],
  [0x001b, 3, "ok", "DPL 3 data at CPL 3"],
  [0x0018, 3, "ok", "RPL 0 < DPL 3 = CPL"],
  [0x0010, 3, [GP, 0x10], "DPL 0 < CPL 3"],
  [0x0020, 0, [NP, 0x20], "not present"],
  [0x0020, 3, [GP, 0x20], "privilege is checked before presence"],
  [0x005b, 3, [NP, 0x58], "DPL 3 not present at CPL 3"],
  [0x0028, 0, [GP, 0x28], "execute-only code"],
  [0x0038, 0, [GP, 0x38], "execute-only code, DPL 0"],
  [0x0008, 0, "ok", "readable code"],
  [0x0008, 3, [GP, 0x08], "readable non-conforming code, DPL 0 < CPL 3"],
  [0x0030, 3, "ok", "readable conforming code: no privilege check"],
  [0x0073, 3, "ok", "readable code, DPL 3"],
  [0x0040, 0, [GP, 0x40], "LDT descriptor (system)"],
  [0x0048, 0, [GP, 0x48], "TSS descriptor (system)"],
  [0x0050, 0, "ok", "read-only data can be loaded into DS"],
  [0x0060, 0, "ok", "expand-down data"],
  [0x0069, 0, "ok", "RPL 1 = DPL 1"],
  [0x006a, 0, [GP, 0x68], "RPL 2 > DPL 1"],
  [0x0069, 3, [GP, 0x68], "DPL 1 < CPL 3"],
  [0x0078, 0, [GP, 0x78], "index beyond the GDT limit"],
  [0x007b, 3, [GP, 0x78], "beyond the limit; error code has RPL cleared"],
  [0xfff8, 0, [GP, 0xfff8], "last selector, far beyond the limit"],
  [0x0004, 0, "ok", "LDT entry 0 is not a null selector"],
  [0x0007, 3, "ok", "LDT entry 0, DPL 3"],
  [0x000c, 0, "ok", "LDT entry 1, DPL 0"],
  [0x000f, 3, [GP, 0x0c], "LDT entry 1, DPL 0 < CPL 3"],
  [0x0014, 0, [GP, 0x14], "index beyond the LDT limit"],
];

// SDM Vol.2 MOV: "IF SS is loaded: IF segment selector is NULL #GP(0); IF segment selector index is
// outside descriptor table limits or segment selector's RPL ≠ CPL or segment is not a writable data
// segment or DPL ≠ CPL THEN #GP(selector); IF segment not marked present THEN #SS(selector)".
const STACK_CASES: [selector: number, cpl: 0 | 3, outcome: Outcome, why: string][] = [
  [0x0000, 0, [GP, 0], "null selector"],
  [0x0003, 3, [GP, 0], "null selector with RPL 3"],
  [0x0010, 0, "ok", "writable DPL 0 data at CPL 0"],
  [0x001b, 3, "ok", "writable DPL 3 data at CPL 3"],
  [0x0013, 0, [GP, 0x10], "RPL ≠ CPL"],
  [0x0018, 3, [GP, 0x18], "RPL 0 ≠ CPL 3"],
  [0x0018, 0, [GP, 0x18], "DPL 3 ≠ CPL 0"],
  [0x0013, 3, [GP, 0x10], "DPL 0 ≠ CPL 3"],
  [0x0053, 3, [GP, 0x50], "read-only data"],
  [0x0008, 0, [GP, 0x08], "code"],
  [0x0073, 3, [GP, 0x70], "readable code"],
  [0x0040, 0, [GP, 0x40], "system descriptor"],
  [0x0020, 0, [SS, 0x20], "not present: #SS, not #NP"],
  [0x005b, 3, [SS, 0x58], "not present at CPL 3"],
  [0x0023, 3, [GP, 0x20], "privilege is checked before presence"],
  [0x0060, 0, "ok", "expand-down writable data"],
  [0x0078, 0, [GP, 0x78], "index beyond the GDT limit"],
  [0x000c, 0, "ok", "LDT entry, DPL 0"],
  [0x0007, 3, "ok", "LDT entry, DPL 3"],
  [0x0014, 0, [GP, 0x14], "beyond the LDT limit"],
];

describe("MOV DS, r16 in protected mode", () => {
  it.each(DATA_CASES)("selector %s at CPL %s → %j (%s)", (selector, cpl, outcome) => {
    expectOutcome(load(MOV_DS_AX, selector, cpl), outcome);
  });
  it("ES, FS and GS follow the same rules", () => {
    for (const code of ["8ec0", "8ee0", "8ee8"]) {
      expectOutcome(load(code, 0x0010, 3), [GP, 0x10]);
      expectOutcome(load(code, 0x0020, 0), [NP, 0x20]);
      expectOutcome(load(code, 0x0000, 3), "ok");
    }
  });
  it("a selector with TI = 1 while LDTR is null is #GP(selector)", () => {
    expectOutcome(load(MOV_DS_AX, 0x0004, 0, false), [GP, 0x04]);
  });
});

describe("MOV SS, r16 in protected mode", () => {
  it.each(STACK_CASES)("selector %s at CPL %s → %j (%s)", (selector, cpl, outcome) => {
    expectOutcome(load(MOV_SS_AX, selector, cpl), outcome);
  });
});

describe("what a successful load leaves behind", () => {
  it("loads the hidden base, byte limit and access rights, and sets the accessed bit in the GDT", () => {
    const run = load(MOV_DS_AX, 0x0010, 0);
    expect(run.exception).toBeUndefined();
    const cpu = run.machine.cpu;
    expect(cpu.segmentField(Seg.DS, "selector")).toBe(0x10);
    expect(cpu.segmentField(Seg.DS, "base") >>> 0).toBe(0x12345000);
    expect(cpu.segmentField(Seg.DS, "limit") >>> 0).toBe(0xfff);
    expect(cpu.segmentField(Seg.DS, "access")).toBe(0x4093);
    // Descriptor bytes 5 (access) of entry 2: type 2 → 3 (accessed).
    expect((physical32(run.machine, GDT_ADDRESS + 0x10 + 4) >>> 8) & 0xff).toBe(0x93);
  });
  it("scales a page-granular limit (G = 1) to bytes", () => {
    const run = load(MOV_DS_AX, 0x0018, 0);
    expect(run.machine.cpu.segmentField(Seg.DS, "limit") >>> 0).toBe(0xffffffff);
    expect(run.machine.cpu.segmentField(Seg.DS, "access")).toBe(0xc0f3);
  });
  it("a faulting load changes neither the register nor the descriptor", () => {
    const run = load(MOV_DS_AX, 0x0020, 0);
    expect(run.machine.cpu.segmentField(Seg.DS, "selector")).toBe(0x10);
    expect((physical32(run.machine, GDT_ADDRESS + 0x20 + 4) >>> 8) & 0xff).toBe(0x12);
  });
  it("a null selector in DS loads, and the first access through DS is #GP(0)", () => {
    expectOutcome(load(MOV_DS_AX + "a100000000", 0, 0), [GP, 0]);
    expectOutcome(load(MOV_DS_AX + "26a100000000", 0, 0), "ok"); // an ES override still works
  });
  it("MOV SS blocks interrupts for the next instruction (State.interruptShadow)", () => {
    const run = load("", 0, 0);
    const cpu = run.machine.cpu;
    cpu.setField(State.interruptShadow, 0);
    loadSegment(cpu, Seg.SS, 0x10);
    expect(cpu.field(State.interruptShadow)).toBe(1);
    cpu.setField(State.interruptShadow, 0);
    loadSegment(cpu, Seg.DS, 0x10);
    expect(cpu.field(State.interruptShadow)).toBe(0);
  });
  it("MOV CS, r16 is #UD", () => {
    expectOutcome(load("8ec8", 0x08, 0), [UD, -1]);
  });
});

describe("LDS/LSS and POP Sreg", () => {
  const pointer = { address: 0x7000, bytes: [0x78, 0x56, 0x34, 0x12, 0x10, 0x00] }; // 0x0010:0x12345678
  const badPointer = { address: 0x7000, bytes: [0x78, 0x56, 0x34, 0x12, 0x20, 0x00] }; // 0x0020: not present
  it("LDS loads the offset into the register and the selector into DS", () => {
    const run = runWithTables("c503", { gdt: GDT, regs: { ebx: 0x7000 }, memory: [pointer] });
    expect(run.exception).toBeUndefined();
    expect(run.machine.cpu.reg32(0) >>> 0).toBe(0x12345678);
    expect(run.machine.cpu.segmentField(Seg.DS, "selector")).toBe(0x10);
  });
  it("LDS with a faulting selector leaves the register unchanged", () => {
    const run = runWithTables("c503", { gdt: GDT, regs: { ebx: 0x7000, eax: 0xaaaa }, memory: [badPointer] });
    expect(run.exception).toEqual({ vector: NP, errorCode: 0x20 });
    expect(run.machine.cpu.reg32(0)).toBe(0xaaaa);
  });
  it("LSS applies the stack-segment rules", () => {
    expect(runWithTables("0fb203", { gdt: GDT, regs: { ebx: 0x7000 }, memory: [badPointer] }).exception).toEqual({ vector: SS, errorCode: 0x20 });
    const run = runWithTables("0fb223", { gdt: GDT, regs: { ebx: 0x7000 }, memory: [pointer] });
    expect(run.exception).toBeUndefined();
    expect(run.machine.cpu.reg32(4) >>> 0).toBe(0x12345678);
    expect(run.machine.cpu.segmentField(Seg.SS, "selector")).toBe(0x10);
  });
  it("POP DS with a faulting selector leaves ESP unchanged", () => {
    const run = runWithTables("6a201f", { gdt: GDT }); // push 0x20; pop ds
    expect(run.exception).toEqual({ vector: NP, errorCode: 0x20 });
    expect(run.machine.cpu.reg32(4) >>> 0).toBe(0x80000 - 4);
  });
});

describe("real mode", () => {
  it("MOV DS sets base = selector << 4 and keeps the hidden limit and rights (unreal mode survives)", () => {
    const run = runWithTables("8ed8", {
      mode: "real",
      regs: { eax: 0x1234 },
      before: (cpu) => {
        cpu.setSegmentField(Seg.DS, "limit", -1);
        cpu.setSegmentField(Seg.DS, "access", 0xc093);
      },
    });
    expect(run.exception).toBeUndefined();
    const cpu = run.machine.cpu;
    expect(cpu.segmentField(Seg.DS, "selector")).toBe(0x1234);
    expect(cpu.segmentField(Seg.DS, "base")).toBe(0x12340);
    expect(cpu.segmentField(Seg.DS, "limit") >>> 0).toBe(0xffffffff);
    expect(cpu.segmentField(Seg.DS, "access")).toBe(0xc093);
  });
  it("a word at offset 0xFFFF crosses the real-mode limit: #GP(0), or #SS(0) through SS", () => {
    expect(runSnippet("8b07", { mode: "real", regs: { ebx: 0xffff } }).exception).toEqual({ vector: GP, errorCode: 0 });
    expect(runSnippet("368b07", { mode: "real", regs: { ebx: 0xffff } }).exception).toEqual({ vector: SS, errorCode: 0 });
  });
  it("ARPL is #UD in real mode", () => {
    expect(runSnippet("63d8", { mode: "real" }).exception).toEqual({ vector: UD, errorCode: -1 });
  });
});
