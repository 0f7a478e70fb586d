/**
 * LAR, LSL, VERR, VERW and ARPL. The first table's expected values were measured on this host's CPU:
 * Linux's user descriptors (0x23 code, 0x2B data, 0x7B a 2-byte expand-down read-only segment, 0x33
 * long-mode code) read from user mode with a 32-bit program (gcc -m32), then rebuilt here from the
 * fields LAR reported. The rest follow the SDM's LAR/LSL/VERR/VERW pages.
 */
import { describe, expect, it } from "vitest";
import { descriptor, runWithTables } from "./machine-with-tables.js";
import { runSnippet } from "../support/run-snippet.js";
import { ImmediateBuilder } from "../../runtime/interpreter/immediate-builder.js";

const ZF = 0x40;
const GDT = [
  [],
  descriptor(0, 0xfffff, 0xc09a), //  0x08 kernel code, DPL 0
  descriptor(0, 0xfffff, 0xc092), //  0x10 kernel data, DPL 0
  descriptor(0, 0xfffff, 0xc0f2), //  0x18 user data, DPL 3 (not accessed)
  descriptor(0, 0xfffff, 0xc0fb), //  0x20 as Linux 0x23: user code, LAR 0x00CFFB00
  descriptor(0, 0xfffff, 0xc0f3), //  0x28 as Linux 0x2B: user data, LAR 0x00CFF300
  descriptor(0, 0x1, 0x40f5), //      0x30 as Linux 0x7B: LAR 0x0040F500, LSL 1
  descriptor(0, 0xfffff, 0xa0fb), //  0x38 as Linux 0x33: LAR 0x00AFFB00
  descriptor(0x3000, 0x67, 0x0089), // 0x40 32-bit TSS available (system type 9)
  descriptor(0x4000, 0x1f, 0x00e2), // 0x48 LDT, DPL 3 (system type 2)
  descriptor(0, 0, 0x00ec), //        0x50 32-bit call gate, DPL 3 (system type 12)
  descriptor(0, 0, 0x00ee), //        0x58 32-bit interrupt gate, DPL 3 (type 14: never valid for LAR)
  descriptor(0, 0xfffff, 0xc09e), //  0x60 conforming readable code, DPL 0
  descriptor(0, 0xffff, 0x00f9), //   0x68 32-bit TSS available, DPL 3
];

/** Run `code` at `cpl` with EBX = selector and EAX = 0xDEADBEEF; return EAX and ZF. */
function query(code: string, selector: number, cpl: 0 | 3 = 3): { eax: number; zf: boolean } {
  const run = runWithTables(code, { cpl, gdt: GDT, regs: { eax: 0xdeadbeef, ebx: selector } });
  expect(run.exception).toBeUndefined();
  const eflags = new ImmediateBuilder(run.machine.cpu).getEflags();
  return { eax: run.machine.cpu.reg32(0) >>> 0, zf: (eflags & ZF) !== 0 };
}

const LAR32 = "0f02c3", LAR16 = "660f02c3", LSL32 = "0f03c3", VERR = "0f00e3", VERW = "0f00eb";

describe("measured on hardware (Linux user descriptors at CPL 3)", () => {
  it.each([
    // selector, LAR r32, LAR r16 (low word; upper half of EAX kept), LSL, VERR, VERW
    [0x2b, 0x00cff300, 0xf300, 0xffffffff, true, true],
    [0x23, 0x00cffb00, 0xfb00, 0xffffffff, true, false],
    [0x33, 0x0040f500, 0xf500, 0x00000001, true, false],
    [0x3b, 0x00affb00, 0xfb00, 0xffffffff, true, false],
  ] as const)("selector %s", (selector, lar32, lar16, lsl, verr, verw) => {
    expect(query(LAR32, selector)).toEqual({ eax: lar32, zf: true });
    expect(query(LAR16, selector)).toEqual({ eax: (0xdead0000 | lar16) >>> 0, zf: true });
    expect(query(LSL32, selector)).toEqual({ eax: lsl, zf: true });
    expect(query(VERR, selector).zf).toBe(verr);
    expect(query(VERW, selector).zf).toBe(verw);
  });
  it.each([0x0000, 0x0003])("null selector %s: ZF = 0 and the destination is kept", (selector) => {
    for (const code of [LAR32, LSL32]) expect(query(code, selector)).toEqual({ eax: 0xdeadbeef, zf: false });
    expect(query(VERR, selector).zf).toBe(false);
    expect(query(VERW, selector).zf).toBe(false);
  });
  it("a DPL 0 data segment is invisible at CPL 3 (Linux 0x10 -> ZF = 0 on the host)", () => {
    expect(query(LAR32, 0x10)).toEqual({ eax: 0xdeadbeef, zf: false });
    expect(query(VERR, 0x10).zf).toBe(false);
  });
});

describe("SDM rules", () => {
  it.each([
    // selector, CPL, LAR visible, LSL visible, why
    [0x10, 0, true, true, "DPL 0 data at CPL 0"],
    [0x1b, 3, true, true, "DPL 3 data at CPL 3"],
    [0x13, 0, false, false, "RPL 3 > DPL 0"],
    [0x60, 3, true, true, "conforming code: no privilege check"],
    [0x40, 0, true, true, "32-bit TSS (type 9) is valid for both"],
    [0x40, 3, false, false, "DPL 0 TSS at CPL 3"],
    [0x4b, 3, true, true, "LDT (type 2) is valid for both"],
    [0x53, 3, true, false, "call gate: LAR only"],
    [0x5b, 3, false, false, "interrupt gate: neither"],
    [0x6b, 3, true, true, "DPL 3 TSS"],
    [0x78, 0, false, false, "beyond the GDT limit: ZF = 0, no fault"],
    [0x04, 0, false, false, "TI = 1 with a null LDTR: ZF = 0, no fault"],
  ] as const)("selector %s at CPL %s: LAR %s, LSL %s (%s)", (selector, cpl, lar, lsl, _why) => {
    expect(query(LAR32, selector, cpl).zf).toBe(lar);
    expect(query(LSL32, selector, cpl).zf).toBe(lsl);
  });
  it("LAR of a system descriptor returns its access bytes; LSL its byte limit", () => {
    expect(query(LAR32, 0x40, 0).eax).toBe(0x00008900);
    expect(query(LSL32, 0x40, 0).eax).toBe(0x67);
    expect(query(LAR32, 0x53, 3).eax).toBe(0x0000ec00);
  });
  it("VERR/VERW: readable/writable and visible", () => {
    expect(query(VERR, 0x60, 3).zf).toBe(true); // conforming readable code
    expect(query(VERW, 0x60, 3).zf).toBe(false);
    expect(query(VERR, 0x40, 0).zf).toBe(false); // system segment
    expect(query(VERW, 0x10, 0).zf).toBe(true);
    expect(query(VERW, 0x10, 3).zf).toBe(false); // DPL 0 < CPL 3
  });
  it("LAR/LSL/VERR/VERW are #UD in real mode", () => {
    for (const code of [LAR32, LSL32, VERR, VERW]) expect(runSnippet(code, { mode: "real" }).exception).toEqual({ vector: 6, errorCode: -1 });
  });
});

describe("ARPL (SDM Vol.2 ARPL)", () => {
  it.each([
    [0x0010, 0x0003, 0x0013, true],
    [0x0013, 0x0001, 0x0013, false],
    [0x0012, 0x0002, 0x0012, false],
  ] as const)("dest %s, src RPL of %s → %s, ZF %s", (destination, source, result, zf) => {
    const run = runSnippet("63d8", { regs: { eax: 0xffff0000 | destination, ebx: source } });
    expect(run.exception).toBeUndefined();
    expect(run.regs.eax).toBe((0xffff0000 | result) >>> 0);
    expect((run.eflags & ZF) !== 0).toBe(zf);
  });
});

describe("MOV from a segment register (measured on the host: mov r32,ds / 66 mov ax,ds / mov m16,ds)", () => {
  it("to a 32-bit register: zero-extended; to a 16-bit register: upper half kept; to memory: 16 bits", () => {
    expect(runSnippet("8cd8", { regs: { eax: 0xffffffff } }).regs.eax).toBe(0x10);
    expect(runSnippet("668cd8", { regs: { eax: 0xffffffff } }).regs.eax).toBe(0xffff0010);
    const run = runSnippet("8c1b", { regs: { ebx: 0x7000 }, memory: [{ address: 0x7000, bytes: [0xff, 0xff, 0xff, 0xff] }] });
    expect(run.read(0x7000, 4)).toEqual([0x10, 0x00, 0xff, 0xff]);
  });
});
