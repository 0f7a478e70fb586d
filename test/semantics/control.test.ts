/**
 * Control transfer, stack and string instructions on the interpreter. Expected values follow the SDM
 * pseudo-code of each instruction (Vol.2) and behaviour documented for P6-family and later processors.
 */
import { describe, expect, it } from "vitest";
import { runSnippet, setupMachine, hex } from "../support/run-snippet.js";
import { Seg, State } from "../../runtime/state/layout.js";
import { REP_STEP_BUDGET } from "../../runtime/helpers/string.js";

const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const read32 = (r: ReturnType<typeof runSnippet>, a: number) => {
  const b = r.read(a, 4);
  return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
};

describe("stack", () => {
  it("PUSH ESP pushes the value before the push", () => {
    const r = runSnippet("54 5b"); // push esp; pop ebx
    expect(r.exception).toBeUndefined();
    expect(r.regs.ebx).toBe(0x80000);
    expect(r.regs.esp).toBe(0x80000);
  });
  it("POP [ESP] addresses with the incremented ESP", () => {
    // push 0x11223344; push 0x55667788; pop dword [esp]; pop eax
    const r = runSnippet("68 44 33 22 11 68 88 77 66 55 8f 04 24 58");
    expect(r.exception).toBeUndefined();
    expect(r.regs.eax).toBe(0x55667788);
    expect(r.regs.esp).toBe(0x80000);
  });
  it("a 32-bit PUSH of a segment register moves ESP by 4 and writes 16 bits", () => {
    const r = runSnippet("0f a0", { memory: [{ address: 0x7fffc, bytes: [0xff, 0xff, 0xff, 0xff] }] });
    expect(r.regs.esp).toBe(0x7fffc);
    expect(r.read(0x7fffc, 4)).toEqual([0x10, 0x00, 0xff, 0xff]);
  });
  it("PUSHA/POPA round trip; POPA does not load ESP", () => {
    const regs = { eax: 1, ecx: 2, edx: 3, ebx: 4, ebp: 6, esi: 7, edi: 8 };
    // pusha; mov dword [esp+12], 0x99 (the ESP slot); popa
    const r = runSnippet("60 c7 44 24 0c 99 00 00 00 61", { regs });
    expect(r.regs).toMatchObject({ ...regs, esp: 0x80000 });
  });
  it("ENTER 8,1", () => {
    const r = runSnippet("c8 08 00 01", { regs: { ebp: 0x1234 } });
    expect(r.exception).toBeUndefined();
    expect(read32(r, 0x7fffc)).toBe(0x1234);
    expect(read32(r, 0x7fff8)).toBe(0x7fffc);
    expect(r.regs.ebp).toBe(0x7fffc);
    expect(r.regs.esp).toBe(0x7fff0);
  });
  it("ENTER 0,3 copies the enclosing frame pointers", () => {
    const r = runSnippet("c8 00 00 03", {
      regs: { ebp: 0x70000 },
      memory: [{ address: 0x6fff8, bytes: [...le32(0xbbbb), ...le32(0xaaaa)] }],
    });
    expect(r.exception).toBeUndefined();
    expect([0x7fffc, 0x7fff8, 0x7fff4, 0x7fff0].map((a) => read32(r, a))).toEqual([0x70000, 0xaaaa, 0xbbbb, 0x7fffc]);
    expect(r.regs.ebp).toBe(0x7fffc);
    expect(r.regs.esp).toBe(0x7fff0);
  });
  it("LEAVE", () => {
    const r = runSnippet("c9", { regs: { ebp: 0x7fff0 }, memory: [{ address: 0x7fff0, bytes: le32(0xcafe) }] });
    expect(r.regs.ebp).toBe(0xcafe);
    expect(r.regs.esp).toBe(0x7fff4);
  });
  it("PUSHF clears RF and VM in the image", () => {
    const r = runSnippet("9c 58", { eflags: 0x10000 | 0x1 });
    expect(r.regs.eax & 0x30000).toBe(0);
    expect(r.regs.eax & 1).toBe(1);
  });
});

describe("control", () => {
  it("RET imm16 releases the parameters", () => {
    const r = runSnippet("68 08 00 01 00 c2 08 00");
    expect(r.exception).toBeUndefined();
    expect(r.regs.esp).toBe(0x80008);
  });
  it("CALL rel32 pushes the return address", () => {
    const r = runSnippet("e8 00 00 00 00 5b"); // call next; pop ebx
    expect(r.regs.ebx).toBe(0x10005);
  });
  it("LOOP with a 16-bit address size counts in CX", () => {
    const r = runSnippet("67 e2 fd", { regs: { ecx: 0x00010001 } });
    expect(r.exception).toBeUndefined();
    expect(r.regs.ecx).toBe(0x00010000);
  });
  it("JCXZ with a 16-bit address size tests CX", () => {
    const r = runSnippet("67 e3 05 b8 01 00 00 00", { regs: { ecx: 0x10000 } });
    expect(r.regs.eax).toBe(0);
  });
  it("LOOPNE stops on ZF", () => {
    // l: dec edx (sets ZF when edx hits 0); loopne l
    const r = runSnippet("4a e0 fd", { regs: { ecx: 10, edx: 3 } });
    expect(r.regs.ecx).toBe(7);
    expect(r.regs.edx).toBe(0);
  });
  it("a near jump with a 16-bit operand size truncates EIP to 16 bits (SDM JMP)", () => {
    // jmp rel16 from 0x10000 (next = 0x10004) by 0x1ffc → 0x12000 & 0xffff = 0x2000
    const r = runSnippet("66 e9 fc 1f", { memory: [{ address: 0x2000, bytes: [0x0f, 0x0b] }] });
    expect(r.exception?.vector).toBe(6);
    expect(r.eip).toBe(0x2000);
  });
  it("BOUND raises #BR outside the signed bounds", () => {
    const memory = [{ address: 0x20000, bytes: [...le32(-5), ...le32(10)] }];
    expect(runSnippet("62 05 00 00 02 00", { regs: { eax: 11 }, memory }).exception?.vector).toBe(5);
    expect(runSnippet("62 05 00 00 02 00", { regs: { eax: -5 }, memory }).exception).toBeUndefined();
    expect(runSnippet("62 05 00 00 02 00", { regs: { eax: -6 }, memory }).exception?.vector).toBe(5);
  });
});

describe("strings", () => {
  const bytes = Array.from({ length: 32 }, (_, k) => k + 1);
  it("REP MOVSB forward overlapping by one replicates the first byte", () => {
    const r = runSnippet("f3 a4", { regs: { esi: 0x20000, edi: 0x20001, ecx: 16 }, memory: [{ address: 0x20000, bytes }] });
    expect(r.read(0x20000, 18)).toEqual([...Array(17).fill(1), 18]);
    expect(r.regs).toMatchObject({ ecx: 0, esi: 0x20010, edi: 0x20011 });
  });
  it("REP MOVSD across a page boundary", () => {
    const r = runSnippet("f3 a5", { regs: { esi: 0x20ff0, edi: 0x30ff8, ecx: 8 }, memory: [{ address: 0x20ff0, bytes }] });
    expect(r.read(0x30ff8, 32)).toEqual(bytes);
    expect(r.regs).toMatchObject({ ecx: 0, esi: 0x21010, edi: 0x31018 });
  });
  it("STD; REP STOSD goes down", () => {
    const r = runSnippet("fd f3 ab", { regs: { edi: 0x20010, ecx: 3, eax: 0xaabbccdd } });
    expect([0x20010, 0x2000c, 0x20008, 0x20004].map((a) => read32(r, a))).toEqual([0xaabbccdd, 0xaabbccdd, 0xaabbccdd, 0]);
    expect(r.regs).toMatchObject({ ecx: 0, edi: 0x20004 });
  });
  it("REPE CMPSB stops at the first difference with CMP flags", () => {
    const r = runSnippet("f3 a6", {
      regs: { esi: 0x20000, edi: 0x20100, ecx: 4 },
      memory: [{ address: 0x20000, bytes: [0x61, 0x62, 0x63, 0x64] }, { address: 0x20100, bytes: [0x61, 0x62, 0x58, 0x64] }],
    });
    expect(r.regs).toMatchObject({ ecx: 1, esi: 0x20003, edi: 0x20103 });
    expect(r.eflags & 0x41).toBe(0); // ZF=0, CF=0 (0x63 - 0x58)
  });
  it("REPNE SCASB finds the terminator", () => {
    const r = runSnippet("f2 ae", { regs: { edi: 0x20000, ecx: -1 }, memory: [{ address: 0x20000, bytes: [0x61, 0x62, 0x63, 0] }] });
    expect(r.regs).toMatchObject({ ecx: 0xfffffffb, edi: 0x20004 });
    expect(r.eflags & 0x40).toBe(0x40);
  });
  it("REP MOVSW with a 16-bit address size wraps SI/DI and counts CX", () => {
    const r = runSnippet("67 66 f3 a5", { regs: { esi: 0x1000, edi: 0x2000, ecx: 0xffff0002 }, memory: [{ address: 0x1000, bytes: [1, 2, 3, 4] }] });
    expect(r.read(0x2000, 4)).toEqual([1, 2, 3, 4]);
    expect(r.regs).toMatchObject({ ecx: 0xffff0000, esi: 0x1004, edi: 0x2004 });
  });
  it("LODSB with a segment override", () => {
    const r = runSnippet("64 ac", { regs: { esi: 0x20000 }, memory: [{ address: 0x20000, bytes: [0x5a] }] });
    expect(r.regs.eax & 0xff).toBe(0x5a);
    expect(r.regs.esi).toBe(0x20001);
  });
  it("a REP longer than the step budget resumes by re-executing the instruction", () => {
    const n = REP_STEP_BUDGET * 3 + 5;
    // STD; REP STOSB (backward: the element-wise path)
    const r = runSnippet("fd f3 aa", { regs: { edi: 0x100000 + n - 1, ecx: n, eax: 0x77 } });
    expect(r.exception).toBeUndefined();
    expect(r.regs).toMatchObject({ ecx: 0, edi: 0x100000 - 1 });
    expect(r.read(0x100000, 2)).toEqual([0x77, 0x77]);
    expect(r.read(0x100000 + n - 2, 3)).toEqual([0x77, 0x77, 0]);
    // STD, four executions of the REP STOSB (three budgets, then the rest), UD2
    expect(r.machine.cpu.field(State.instructionCount)).toBe(1 + 4 + 1);
    // REPE SCASB over equal bytes, then a difference past several budgets
    const s2 = runSnippet("f3 ae", { regs: { edi: 0x100000, ecx: n + 10, eax: 0 }, memory: [{ address: 0x100000 + n, bytes: [1] }] });
    expect(s2.regs).toMatchObject({ ecx: 9, edi: 0x100000 + n + 1 });
    expect(s2.eflags & 0x40).toBe(0);
  });
  it("a fault in the middle of REP MOVSB leaves the completed elements and EIP on the instruction", () => {
    const { machine } = setupMachine(hex("f3 a4"), { regs: { esi: 0x20000, edi: 0xffc, ecx: 10 } });
    machine.cpu.setSegmentField(Seg.ES, "limit", 0xfff);
    machine.cpu.writePhysicalBytes(0x20000, Uint8Array.from(bytes));
    const result = machine.run({ maxInstructions: 100 });
    expect(result.exception?.vector).toBe(13);
    expect(machine.cpu.eip).toBe(0x10000);
    expect(machine.cpu.reg32(1)).toBe(6);
    expect(machine.cpu.reg32(7)).toBe(0x1000);
    expect(machine.cpu.reg32(6)).toBe(0x20004);
    expect(Array.from(machine.cpu.readPhysicalBytes(0xffc, 4))).toEqual([1, 2, 3, 4]);
  });
});
