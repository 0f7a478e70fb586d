/**
 * The VMM callouts (runtime/helpers/callouts.ts) reached through real instructions: CPUID's identity
 * and its feature bits checked against what actually executes, the time-stamp counter, MSRs, control
 * and debug registers, descriptor-table registers, LLDT/LTR, HLT, and IN/OUT with the TSS I/O
 * permission bitmap (SDM Vol.1 19.5). Expected values follow the SDM; the #UD-versus-#GP order for
 * CR1 and DR access at CPL 3 was measured on this host (CR1 → SIGILL, CR0/DR0/DR4 → SIGSEGV).
 */
import { describe, expect, it } from "vitest";
import { descriptor, runWithTables, physical32, GDT_ADDRESS, LDT_ADDRESS, TSS_ADDRESS } from "./machine-with-tables.js";
import { runSnippet } from "../support/run-snippet.js";
import { State } from "../../runtime/state/layout.js";
import { CPUID_FEATURES } from "../../runtime/helpers/callouts.js";

const UD = 6, GP = 13, NP = 11;

describe("CPUID", () => {
  it("leaf 0: maximum leaf 1 and GenuineIntel", () => {
    const { regs } = runSnippet("0fa2", { regs: { eax: 0 } });
    expect(regs.eax).toBe(1);
    const vendor = Buffer.alloc(12);
    vendor.writeUInt32LE(regs.ebx, 0);
    vendor.writeUInt32LE(regs.edx, 4);
    vendor.writeUInt32LE(regs.ecx, 8);
    expect(vendor.toString("latin1")).toBe("GenuineIntel");
  });
  it("leaf 1: family 6 (P6), model 3, stepping 3; the feature bits listed below and no others", () => {
    const { regs } = runSnippet("0fa2", { regs: { eax: 1 } });
    expect(regs.eax).toBe(0x633);
    expect(regs.ecx).toBe(0);
    // PSE (3), TSC (4), MSR (5), CX8 (8), PGE (13), CMOV (15).
    expect(regs.edx).toBe(0x0000a138);
    expect(CPUID_FEATURES).toBe(0x0000a138);
  });
  it("a leaf above the maximum answers as the highest basic leaf (SDM Vol.2 CPUID)", () => {
    expect(runSnippet("0fa2", { regs: { eax: 7 } }).regs.eax).toBe(0x633);
  });
  it.each([
    ["TSC (4): RDTSC", 4, "0f31"],
    ["CX8 (8): CMPXCHG8B", 8, "0fc70b"],
    ["CMOV (15): CMOVZ", 15, "0f44c3"],
    ["MSR (5): RDMSR of the TSC", 5, "0f32"],
  ] as const)("advertised %s executes", (_name, bit, code) => {
    expect((CPUID_FEATURES >>> bit) & 1).toBe(1);
    expect(runSnippet(code, { regs: { ebx: 0x7000, ecx: 0x10 } }).exception).toBeUndefined();
  });
  it.each([
    ["FPU (0): FNINIT", 0, "dbe3"],
    ["SEP (11): SYSENTER", 11, "0f34"],
    ["SEP (11): SYSEXIT", 11, "0f35"],
  ] as const)("not advertised %s is #UD", (_name, bit, code) => {
    expect((CPUID_FEATURES >>> bit) & 1).toBe(0);
    expect(runSnippet(code).exception).toEqual({ vector: UD, errorCode: -1 });
  });
  it("PSE and PGE can be enabled in CR4; PAE, VME and MCE (not advertised) cannot", () => {
    expect(runSnippet("0f22e0 0f20e3", { regs: { eax: 0x90 } }).regs.ebx).toBe(0x90);
    for (const bit of [0, 5, 6]) expect(runSnippet("0f22e0", { regs: { eax: 1 << bit } }).exception).toEqual({ vector: GP, errorCode: 0 });
  });
});

describe("time-stamp counter and MSRs", () => {
  it("RDTSC strictly increases", () => {
    const { regs } = runSnippet("0f31 89c3 89d6 0f31");
    const first = regs.esi * 2 ** 32 + regs.ebx;
    const second = regs.edx * 2 ** 32 + regs.eax;
    expect(second).toBeGreaterThan(first);
  });
  it("CR4.TSD makes RDTSC #GP(0) outside CPL 0", () => {
    const tsd = (cpu: { setField(o: number, v: number): void }) => cpu.setField(State.cr4, 4);
    expect(runWithTables("0f31", { cpl: 3, before: tsd }).exception).toEqual({ vector: GP, errorCode: 0 });
    expect(runWithTables("0f31", { cpl: 0, before: tsd }).exception).toBeUndefined();
    expect(runWithTables("0f31", { cpl: 3 }).exception).toBeUndefined();
  });
  it("WRMSR to the TSC writes the low 32 bits and clears the high 32 (P6); RDTSC continues from there", () => {
    const { regs } = runSnippet("0f30 0f31 89c3 89d6 0f31", { regs: { ecx: 0x10, eax: 0x100, edx: 5 } });
    expect([regs.esi, regs.ebx]).toEqual([0, 0x100]);
    expect(regs.edx).toBe(0);
    expect(regs.eax).toBeGreaterThan(0x100);
    expect(regs.eax).toBeLessThan(0x200);
  });
  it("RDMSR of the TSC agrees with RDTSC", () => {
    const { regs } = runSnippet("0f30 0f32", { regs: { ecx: 0x10, eax: 0x5000, edx: 0 } });
    expect([regs.edx, regs.eax]).toEqual([0, 0x5000]);
  });
  it("SYSENTER_CS/ESP/EIP round-trip", () => {
    for (const msr of [0x174, 0x175, 0x176]) {
      const { regs } = runSnippet("0f30 31c0 31d2 0f32", { regs: { ecx: msr, eax: 0x0008, edx: 0 } });
      expect([regs.edx, regs.eax]).toEqual([0, 0x0008]);
    }
  });
  it("an unknown MSR is #GP(0); RDMSR/WRMSR at CPL 3 are #GP(0)", () => {
    expect(runSnippet("0f32", { regs: { ecx: 0x1234 } }).exception).toEqual({ vector: GP, errorCode: 0 });
    expect(runSnippet("0f30", { regs: { ecx: 0x1234 } }).exception).toEqual({ vector: GP, errorCode: 0 });
    expect(runSnippet("0f32", { cpl: 3, regs: { ecx: 0x10 } }).exception).toEqual({ vector: GP, errorCode: 0 });
    expect(runSnippet("0f30", { cpl: 3, regs: { ecx: 0x10 } }).exception).toEqual({ vector: GP, errorCode: 0 });
  });
});

describe("control and debug registers", () => {
  it.each([
    ["MOV EAX, CR0 at CPL 3", "0f20c0", 3, [GP, 0]],
    ["MOV CR0, EAX at CPL 3", "0f22c0", 3, [GP, 0]],
    ["MOV EAX, CR1 at CPL 3 (#UD first, as on hardware)", "0f20c8", 3, [UD, -1]],
    ["MOV CR1, EAX at CPL 0", "0f22c8", 0, [UD, -1]],
    ["MOV EAX, CR5", "0f20e8", 0, [UD, -1]],
    ["MOV EAX, DR0 at CPL 3", "0f21c0", 3, [GP, 0]],
    ["MOV EAX, DR4 at CPL 3 (#GP, as on hardware)", "0f21e0", 3, [GP, 0]],
    ["CLTS at CPL 3", "0f06", 3, [GP, 0]],
    ["LMSW at CPL 3", "0f01f0", 3, [GP, 0]],
    ["INVLPG at CPL 3", "0f013b", 3, [GP, 0]],
    ["WBINVD at CPL 3", "0f09", 3, [GP, 0]],
    ["INVD at CPL 3", "0f08", 3, [GP, 0]],
    ["HLT at CPL 3", "f4", 3, [GP, 0]],
  ] as const)("%s", (_name, code, cpl, [vector, errorCode]) => {
    expect(runSnippet(code, { cpl, regs: { ebx: 0x7000 } }).exception).toEqual({ vector, errorCode });
  });
  it.each([
    ["PG without PE", 0x80000000],
    ["NW without CD", 0x20000011],
  ])("MOV CR0: %s is #GP(0)", (_name, value) => {
    expect(runSnippet("0f22c0", { regs: { eax: value } }).exception).toEqual({ vector: GP, errorCode: 0 });
  });
  it("MOV CR0 drops undefined bits and keeps ET set", () => {
    expect(runSnippet("0f22c0 0f20c3", { regs: { eax: 0x00000103 } }).regs.ebx).toBe(0x13);
    expect(runSnippet("0f22c0 0f20c3", { regs: { eax: 0x60050033 } }).regs.ebx).toBe(0x60050033);
  });
  it("CR2 and CR3 hold what was written", () => {
    expect(runSnippet("0f22d0 0f20d3", { regs: { eax: 0xdeadb000 } }).regs.ebx).toBe(0xdeadb000);
    expect(runSnippet("0f22d8 0f20db", { regs: { eax: 0x00123000 } }).regs.ebx).toBe(0x00123000);
  });
  it("DR0-DR3 hold what was written; DR4/DR5 alias DR6/DR7 unless CR4.DE, then #UD", () => {
    expect(runSnippet("0f23c0 0f21c3", { regs: { eax: 0x1234 } }).regs.ebx).toBe(0x1234);
    expect(runSnippet("0f23f8 0f21eb", { regs: { eax: 0x400 } }).regs.ebx).toBe(0x400);
    expect(runWithTables("0f21e0", { before: (cpu) => cpu.setField(State.cr4, 8) }).exception).toEqual({ vector: UD, errorCode: -1 });
  });
  it("LMSW sets MP/EM/TS and cannot clear PE; CLTS clears TS", () => {
    expect(runSnippet("0f01f0 0f20c3", { regs: { eax: 0x000e } }).regs.ebx).toBe(0x6000001f);
    expect(runSnippet("0f01f0 0f20c3", { regs: { eax: 0x0000 } }).regs.ebx).toBe(0x60000011);
    expect(runSnippet("0f01f0 0f06 0f20c3", { regs: { eax: 0x0008 } }).regs.ebx).toBe(0x60000011);
  });
  it("LMSW can set PE from real mode", () => {
    const run = runSnippet("0f01f0", { mode: "real", regs: { eax: 1 } });
    expect(run.machine.cpu.field(State.cr0)).toBe(0x60000011);
  });
  it("SMSW: all of CR0 to a 32-bit register (P6), low 16 bits to AX, 16 bits to memory; any CPL", () => {
    expect(runSnippet("0f01e0", { cpl: 3 }).regs.eax).toBe(0x60000011);
    expect(runSnippet("660f01e0", { regs: { eax: 0xffffffff } }).regs.eax).toBe(0xffff0011);
    const run = runSnippet("0f0123", { regs: { ebx: 0x7000 }, memory: [{ address: 0x7000, bytes: [0xaa, 0xaa, 0xaa, 0xaa] }] });
    expect(run.read(0x7000, 4)).toEqual([0x11, 0x00, 0xaa, 0xaa]);
  });
});

describe("descriptor-table registers", () => {
  const operand = { address: 0x7000, bytes: [0x34, 0x12, 0xdd, 0xcc, 0xbb, 0xaa] };
  it("LGDT/LIDT with 32-bit operand size load the 16-bit limit and 32-bit base", () => {
    const cpu = runSnippet("0f0113 0f011b", { regs: { ebx: 0x7000 }, memory: [operand] }).machine.cpu;
    expect([cpu.field(State.gdtrLimit), cpu.field(State.gdtrBase) >>> 0]).toEqual([0x1234, 0xaabbccdd]);
    expect([cpu.field(State.idtrLimit), cpu.field(State.idtrBase) >>> 0]).toEqual([0x1234, 0xaabbccdd]);
  });
  it("LGDT with 16-bit operand size keeps 24 bits of the base", () => {
    const cpu = runSnippet("660f0113", { regs: { ebx: 0x7000 }, memory: [operand] }).machine.cpu;
    expect(cpu.field(State.gdtrBase)).toBe(0x00bbccdd);
  });
  it("LGDT/LIDT at CPL 3 are #GP(0)", () => {
    expect(runSnippet("0f0113", { cpl: 3, regs: { ebx: 0x7000 } }).exception).toEqual({ vector: GP, errorCode: 0 });
    expect(runSnippet("0f011b", { cpl: 3, regs: { ebx: 0x7000 } }).exception).toEqual({ vector: GP, errorCode: 0 });
  });
  it("SGDT/SIDT at CPL 3 store the guest's own registers (the Popek–Goldberg-critical pair)", () => {
    const run = runWithTables("0f0103 0f014b08", {
      cpl: 3,
      regs: { ebx: 0x7000 },
      before: (cpu) => {
        cpu.setField(State.gdtrBase, 0x00123400);
        cpu.setField(State.gdtrLimit, 0x00ff);
        cpu.setField(State.idtrBase, 0xc0001000 | 0);
        cpu.setField(State.idtrLimit, 0x07ff);
      },
    });
    expect(run.exception).toBeUndefined();
    expect(run.machine.cpu.readPhysicalBytes(0x7000, 6)).toEqual(Uint8Array.from([0xff, 0x00, 0x00, 0x34, 0x12, 0x00]));
    expect(run.machine.cpu.readPhysicalBytes(0x7008, 6)).toEqual(Uint8Array.from([0xff, 0x07, 0x00, 0x10, 0x00, 0xc0]));
  });
});

describe("LLDT, LTR, SLDT, STR", () => {
  const GDT = [
    [],
    descriptor(0, 0xfffff, 0xc09a), //       0x08 code
    descriptor(0, 0xfffff, 0xc092), //       0x10 data
    descriptor(LDT_ADDRESS, 0x1f, 0x0082), // 0x18 LDT
    descriptor(LDT_ADDRESS, 0x1f, 0x0002), // 0x20 LDT, not present
    descriptor(TSS_ADDRESS, 0x67, 0x0089), // 0x28 32-bit TSS, available
    descriptor(TSS_ADDRESS, 0x67, 0x008b), // 0x30 32-bit TSS, busy
    descriptor(TSS_ADDRESS, 0x67, 0x0009), // 0x38 32-bit TSS, not present
    descriptor(TSS_ADDRESS, 0x2b, 0x0081), // 0x40 16-bit TSS, available
  ];
  const run = (code: string, selector: number, cpl: 0 | 3 = 0) => runWithTables(code, { cpl, gdt: GDT, regs: { eax: selector } });
  const LLDT = "0f00d0", LTR = "0f00d8";
  it.each([
    [LLDT, 0x18, "ok"],
    [LLDT, 0x00, "ok"],
    [LLDT, 0x20, [NP, 0x20]],
    [LLDT, 0x10, [GP, 0x10]],
    [LLDT, 0x28, [GP, 0x28]],
    [LLDT, 0x1c, [GP, 0x1c]],
    [LLDT, 0x48, [GP, 0x48]],
    [LTR, 0x28, "ok"],
    [LTR, 0x40, "ok"],
    [LTR, 0x30, [GP, 0x30]],
    [LTR, 0x38, [NP, 0x38]],
    [LTR, 0x18, [GP, 0x18]],
    [LTR, 0x00, [GP, 0]],
    [LTR, 0x2c, [GP, 0x2c]],
  ] as const)("%s with selector %s → %j", (code, selector, outcome) => {
    const result = run(code, selector);
    if (outcome === "ok") expect(result.exception).toBeUndefined();
    else expect(result.exception).toEqual({ vector: outcome[0], errorCode: outcome[1] });
  });
  it("LLDT loads LDTR; SLDT reads it back; a selector through the new LDT works", () => {
    const ldt = { address: LDT_ADDRESS, bytes: descriptor(0x9000, 0xffff, 0x0092) };
    const result = runWithTables("0f00d0 0f00c1 66b80400 8ed8", { gdt: GDT, regs: { eax: 0x18 }, memory: [ldt] });
    expect(result.exception).toBeUndefined();
    expect(result.machine.cpu.reg32(1)).toBe(0x18);
    expect(result.machine.cpu.segmentField(3, "base")).toBe(0x9000);
  });
  it("LLDT with a null selector makes TI = 1 selectors fault", () => {
    expect(runWithTables("0f00d0 66b80400 8ed8", { gdt: GDT, regs: { eax: 0 } }).exception).toEqual({ vector: GP, errorCode: 4 });
  });
  it("LTR marks the TSS descriptor busy in memory; STR reads the selector", () => {
    const result = run("0f00d8 0f00c9", 0x28);
    expect(result.machine.cpu.reg32(1)).toBe(0x28);
    expect((physical32(result.machine, GDT_ADDRESS + 0x28 + 4) >>> 8) & 0x0f).toBe(0xb);
    expect(result.machine.cpu.field(State.tr + 4)).toBe(TSS_ADDRESS);
  });
  it("LLDT/LTR at CPL 3 are #GP(0); in real mode #UD, and so are SLDT/STR", () => {
    expect(run(LLDT, 0x18, 3).exception).toEqual({ vector: GP, errorCode: 0 });
    expect(run(LTR, 0x28, 3).exception).toEqual({ vector: GP, errorCode: 0 });
    for (const code of [LLDT, LTR, "0f00c0", "0f00c8", "0f0007"]) {
      expect(runSnippet(code, { mode: "real", regs: { ebx: 0xfffe } }).exception).toEqual({ vector: UD, errorCode: -1 });
    }
  });
  it("SLDT/STR are not privileged", () => {
    expect(run("0f00c0", 0, 3).exception).toBeUndefined();
    expect(run("0f00c8", 0, 3).exception).toBeUndefined();
  });
});

describe("HLT", () => {
  it("with IF = 0 nothing can wake the CPU: the run ends for good", () => {
    const run = runWithTables("f4", {});
    expect(run.reason).toBe("halt-forever");
  });
  it("with IF = 1 the CPU waits for an interrupt", () => {
    const run = runWithTables("f4", { eflags: 0x200 });
    expect(run.reason).toBe("halt");
    expect(run.machine.cpu.field(State.halted)).toBe(1);
  });
});

describe("IN/OUT and the I/O permission bitmap (CPL 3, IOPL 0)", () => {
  // Map base 0x68; 0x20 bytes of map cover ports 0x00-0xFF; the TSS limit ends at the map's last
  // byte, so the two-byte read for ports 0xF8-0xFF crosses the limit. Port 0x81 is denied.
  const bitmap = new Array(0x20).fill(0);
  bitmap[0x10] = 0x02;
  const tss = { limit: 0x68 + 0x1f, ioMapBase: 0x68, bitmap };
  const GDT = [[], descriptor(0, 0xfffff, 0xc0fa), descriptor(0, 0xfffff, 0xc0f2)];
  it.each([
    ["in al, 0x80", "e480", "ok"],
    ["in al, 0x81", "e481", "#GP"],
    ["in ax, 0x80 (0x80-0x81)", "66e580", "#GP"],
    ["in eax, 0x7c (0x7C-0x7F)", "e57c", "ok"],
    ["in eax, 0x7e (0x7E-0x81)", "e57e", "#GP"],
    ["in al, dx = 0x80", "66ba8000 ec", "ok"],
    ["out dx = 0x81, al", "66ba8100 ee", "#GP"],
    ["out 0x82, al", "e682", "ok"],
    ["in al, 0xf0 (both bytes within the limit)", "e4f0", "ok"],
    ["in al, 0xf8 (the second byte lies beyond the limit)", "e4f8", "#GP"],
    ["in al, dx = 0x100 (beyond the map)", "66ba0001 ec", "#GP"],
  ] as const)("%s", (_name, code, outcome) => {
    const run = runWithTables(code, { cpl: 3, gdt: GDT, tss });
    if (outcome === "ok") expect(run.exception).toBeUndefined();
    else expect(run.exception).toEqual({ vector: GP, errorCode: 0 });
  });
  it("an unclaimed port reads as all ones", () => {
    const run = runWithTables("e480", { cpl: 3, gdt: GDT, tss, regs: { eax: 0 } });
    expect(run.machine.cpu.reg32(0)).toBe(0xff);
  });
  it("CPL ≤ IOPL skips the bitmap", () => {
    expect(runWithTables("e481", { cpl: 3, gdt: GDT, tss, eflags: 0x3000 }).exception).toBeUndefined();
    expect(runWithTables("e481", { cpl: 0, gdt: GDT, tss }).exception).toBeUndefined();
  });
  it("without a 32-bit TSS (TR unusable) there is no bitmap: #GP(0)", () => {
    expect(runWithTables("e480", { cpl: 3, gdt: GDT }).exception).toEqual({ vector: GP, errorCode: 0 });
  });
  it("real mode is never I/O-checked", () => {
    expect(runSnippet("e481", { mode: "real" }).exception).toBeUndefined();
  });
});
