/** Protected-mode INT n through IDT gates (SDM Vol.3 6.12.1, INT n pseudo-code in Vol.2). */
import { describe, expect, it } from "vitest";
import { setupMachine, hex } from "../support/run-snippet.js";
import { State } from "../../runtime/state/layout.js";
import { ImmediateBuilder } from "../../runtime/interpreter/immediate-builder.js";

const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const GDT = 0x4000;
const IDT = 0x3000;
const HANDLER = 0x5000;

function gate(offset: number, selector: number, typeByte: number): number[] {
  return [...le32((selector << 16) | (offset & 0xffff)), ...le32((offset & 0xffff0000) | (typeByte << 8))];
}

function runProtected(code: string, cpl: 0 | 3, gateType: number) {
  const { machine } = setupMachine(hex(code), {
    cpl,
    eflags: 0x200,
    memory: [
      // null, flat code DPL 0, flat data DPL 0
      { address: GDT, bytes: [...le32(0), ...le32(0), ...le32(0x0000ffff), ...le32(0x00cf9b00), ...le32(0x0000ffff), ...le32(0x00cf9300)] },
      { address: IDT + 0x80 * 8, bytes: gate(HANDLER, 0x08, gateType) },
      { address: HANDLER, bytes: [0x0f, 0x0b] },
    ],
  });
  const cpu = machine.cpu;
  cpu.setField(State.gdtrBase, GDT);
  cpu.setField(State.gdtrLimit, 0x17);
  cpu.setField(State.idtrBase, IDT);
  cpu.setField(State.idtrLimit, 0x7ff);
  const result = machine.run({ maxInstructions: 1000 });
  return { cpu, result, eflags: new ImmediateBuilder(cpu).getEflags() >>> 0 };
}

describe("protected-mode INT n", () => {
  it("same privilege through a 32-bit interrupt gate pushes EFLAGS, CS, EIP and clears IF", () => {
    const { cpu, result, eflags } = runProtected("cd 80", 0, 0x8e);
    expect(result.exception?.vector).toBe(6);
    expect(cpu.eip).toBe(HANDLER);
    expect(cpu.reg32(4) >>> 0).toBe(0x80000 - 12);
    expect(Array.from(cpu.readPhysicalBytes(0x80000 - 12, 12))).toEqual([...le32(0x10002), ...le32(0x08), ...le32(0x202)]);
    expect(eflags & 0x200).toBe(0);
  });
  it("a trap gate keeps IF", () => {
    const { cpu, eflags } = runProtected("cd 80", 0, 0x8f);
    expect(cpu.eip).toBe(HANDLER);
    expect(eflags & 0x200).toBe(0x200);
  });
  it("a gate with DPL < CPL raises #GP(vector*8+2) for INT n", () => {
    const { result } = runProtected("cd 80", 3, 0x8e);
    expect(result.exception).toMatchObject({ vector: 13, errorCode: 0x80 * 8 + 2 });
  });
  it("a gate that is not present raises #NP(vector*8+2)", () => {
    const { result } = runProtected("cd 80", 0, 0x0e);
    expect(result.exception).toMatchObject({ vector: 11, errorCode: 0x80 * 8 + 2 });
  });
});

describe("task gates", () => {
  it("stop the run as unsupported instead of faking a task switch", () => {
    // IDT at 0x30000 with a present task gate (type 5) for vector 0x40; then INT 0x40.
    const gate = [0x00, 0x00, 0x28, 0x00, 0x00, 0x85, 0x00, 0x00];
    const idt = new Array(0x41 * 8).fill(0);
    idt.splice(0x40 * 8, 8, ...gate);
    const { machine } = setupMachine(hex("cd 40"), { memory: [{ address: 0x30000, bytes: idt }] });
    machine.cpu.setField(State.idtrBase, 0x30000);
    machine.cpu.setField(State.idtrLimit, idt.length - 1);
    const result = machine.run({ maxInstructions: 100 });
    expect(result.reason).toBe("unsupported");
  });
});
