/**
 * Run a few instructions on a fresh Machine and return the final state: the test utility for semantic
 * and exception tests. The snippet is followed by UD2 (0F 0B); the run stops at the first exception,
 * so reaching the UD2 means the snippet finished.
 *
 * Modes: "real" (CS=DS=ES=SS=0, 16-bit), "protected32" (flat 4 GiB segments, paging off, CPL 0 or 3).
 */
import { Machine } from "../../src/machine.js";
import { State, Seg, REG32_NAMES } from "../../runtime/state/layout.js";
import { EFLAGS_FIXED_ONE } from "../../translator/semantics/flags.js";
import { ImmediateBuilder } from "../../runtime/interpreter/immediate-builder.js";
import { decode } from "../../translator/decoder/decode.js";
import type { Instruction } from "../../translator/isa/types.js";

export type RegisterName = (typeof REG32_NAMES)[number];

export interface SnippetSetup {
  mode?: "real" | "protected32";
  cpl?: 0 | 3;
  regs?: Partial<Record<RegisterName, number>>;
  eflags?: number;
  /** Where the code goes (linear = physical here). */
  codeAddress?: number;
  /** Extra memory contents: address → bytes. */
  memory?: { address: number; bytes: number[] | Uint8Array }[];
  ramSize?: number;
  maxInstructions?: number;
  /** Last-minute changes to the machine before it runs (a segment limit, a control register…). */
  prepare?: (machine: Machine) => void;
}

export interface SnippetResult {
  regs: Record<RegisterName, number>;
  eflags: number;
  eip: number;
  /** The exception that stopped the snippet before its end, if any. */
  exception?: { vector: number; errorCode: number };
  machine: Machine;
  read(address: number, length: number): number[];
}

/** Decode 32-bit code given as hex into its instructions (for translator tests). */
export function decodeAll(code: string): Instruction[] {
  const bytes = Uint8Array.from(hex(code));
  const list: Instruction[] = [];
  for (let at = 0; at < bytes.length; ) {
    const i = decode(bytes, at, bytes.length, 32);
    if (typeof i === "number") throw new Error(`undecodable at ${at}`);
    list.push(i);
    at += i.length;
  }
  return list;
}

export function hex(text: string): number[] {
  const clean = text.replace(/[^0-9a-fA-F]/g, "");
  const out: number[] = [];
  for (let i = 0; i < clean.length; i += 2) out.push(parseInt(clean.slice(i, i + 2), 16));
  return out;
}

const FLAT_CODE_32 = 0x9b | 0xc000; // present, DPL 0, code execute/read accessed, D=1, G=1
const FLAT_DATA_32 = 0x93 | 0xc000; // present, DPL 0, data read/write accessed, B=1, G=1
const REAL_DATA = 0x93;

export function setupMachine(code: number[] | Uint8Array, setup: SnippetSetup = {}): { machine: Machine; end: number } {
  const machine = new Machine({ ramSize: setup.ramSize ?? 4 << 20, stopOnException: true });
  return { machine, end: loadSnippet(machine, code, setup) };
}

/** Put the snippet (and UD2 after it) into `machine` and set up the mode; returns the UD2's address. */
export function loadSnippet(machine: Machine, code: number[] | Uint8Array, setup: SnippetSetup = {}): number {
  const cpu = machine.cpu;
  const mode = setup.mode ?? "protected32";
  const codeAddress = setup.codeAddress ?? (mode === "real" ? 0x1000 : 0x10000);
  const bytes = Uint8Array.from([...code, 0x0f, 0x0b]);
  cpu.writePhysicalBytes(codeAddress, bytes);
  for (const region of setup.memory ?? []) cpu.writePhysicalBytes(region.address, Uint8Array.from(region.bytes));
  const cpl = setup.cpl ?? 0;
  for (let seg = Seg.ES; seg <= Seg.GS; seg++) {
    if (mode === "real") {
      cpu.setSegmentField(seg, "selector", 0);
      cpu.setSegmentField(seg, "base", 0);
      cpu.setSegmentField(seg, "limit", 0xffff);
      cpu.setSegmentField(seg, "access", REAL_DATA);
    } else {
      const dpl = cpl << 5;
      cpu.setSegmentField(seg, "selector", (seg === Seg.CS ? 0x08 : 0x10) | cpl);
      cpu.setSegmentField(seg, "base", 0);
      cpu.setSegmentField(seg, "limit", -1);
      cpu.setSegmentField(seg, "access", (seg === Seg.CS ? FLAT_CODE_32 : FLAT_DATA_32) | dpl);
    }
  }
  cpu.setField(State.cr0, mode === "real" ? 0x60000010 : 0x60000011);
  // Real mode: the IVT at 0 with its architectural limit, so INT n reaches it.
  if (mode === "real") cpu.setField(State.idtrLimit, 0x3ff);
  cpu.setField(State.cpl, mode === "real" ? 0 : cpl);
  cpu.setField(State.eflags, (setup.eflags ?? 0) | EFLAGS_FIXED_ONE);
  cpu.setField(State.lazyPending, 0);
  REG32_NAMES.forEach((name, n) => cpu.setReg32(n, setup.regs?.[name] ?? 0));
  if (setup.regs?.esp === undefined) cpu.setReg32(4, mode === "real" ? 0x8000 : 0x80000);
  cpu.eip = codeAddress;
  return codeAddress + code.length;
}

export function runSnippet(code: number[] | Uint8Array | string, setup: SnippetSetup = {}): SnippetResult {
  const bytes = typeof code === "string" ? hex(code) : code;
  const { machine, end } = setupMachine(bytes, setup);
  setup.prepare?.(machine);
  const result = machine.run({ maxInstructions: setup.maxInstructions ?? 100_000 });
  const cpu = machine.cpu;
  const regs = Object.fromEntries(REG32_NAMES.map((name, n) => [name, cpu.reg32(n) >>> 0])) as Record<RegisterName, number>;
  const eflags = new ImmediateBuilder(cpu).getEflags() >>> 0;
  const out: SnippetResult = {
    regs,
    eflags,
    eip: cpu.eip,
    machine,
    read: (address, length) => Array.from(cpu.readPhysicalBytes(address, length)),
  };
  const finished = result.exception?.vector === 6 && cpu.eip === end;
  if (!finished) {
    out.exception = result.exception
      ? { vector: result.exception.vector, errorCode: result.exception.errorCode }
      : { vector: -1, errorCode: -1 };
  }
  return out;
}
