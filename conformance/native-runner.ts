/**
 * Runs one native conformance vector on a fresh Machine: 32-bit protected mode at CPL 3 with paging
 * on, mapping exactly the vector's pages (plus a supervisor-only GDT), Linux-like user selectors
 * (CS 0x23, DS/ES/SS 0x2B, FS/GS null), the exception stopping the run instead of being delivered.
 */
import { Machine } from "../src/machine.js";
import { enableTranslator } from "../src/translator-tier.js";
import { ImmediateBuilder } from "../runtime/interpreter/immediate-builder.js";
import { RAM_BASE, Seg, State } from "../runtime/state/layout.js";
import { REGISTER_NAMES, type ConformanceVector } from "./format.js";
import { pageContent } from "./page-content.js";

const PAGE_DIRECTORY = 0x1000;
const TABLE_VECTOR = 0x4000;
/** The GDT's linear address: supervisor-only, away from the vector pages and from the boundary values random registers take. */
const GDT = 0xe0000000;
const GDT_FRAME = 0x3000;
const TABLE_HIGH = 0x5000;
const FRAMES = 0x10000;
const ACCESS_USER_CODE = 0xc0fb;
const ACCESS_USER_DATA = 0xc0f3;

export interface VectorOutcome {
  regs: Record<string, number>;
  eflags: number;
  eip: number;
  memory: [number, number][];
  segments: { ds: number; es: number; fs: number };
  exception: null | { vector: number; errorCode: number; cr2: number };
}

let shared: Machine | undefined;
let translated: Machine | undefined;

/**
 * Prepare a second machine whose translator compiles every block on first execution, so that
 * vectors run as WebAssembly (`runNativeVector(v, { translated: true })`).
 */
export async function prepareTranslatedRunner(): Promise<void> {
  if (translated) return;
  translated = new Machine({ ramSize: 1 << 20, stopOnException: true });
  await enableTranslator(translated, { threshold: 1 });
}

/** One machine reused for every vector (creating a WebAssembly.Memory per vector dominates otherwise). */
function freshMachine(useTranslator = false): Machine {
  if (useTranslator && !translated) throw new Error("call prepareTranslatedRunner() first");
  shared ??= new Machine({ ramSize: 1 << 20, stopOnException: true });
  const machine = useTranslator ? translated! : shared;
  const cpu = machine.cpu;
  cpu.i32.fill(0, 0, State.scratch >> 2);
  cpu.u8.fill(0, RAM_BASE, RAM_BASE + 0x20000);
  machine.interpreter.blocks.clear();
  machine.mmu.flushAll();
  return machine;
}

export function runNativeVector(v: ConformanceVector, options: { translated?: boolean; maxInstructions?: number } = {}): VectorOutcome {
  const maxInstructions = options.maxInstructions ?? 1_000_000;
  const machine = freshMachine(options.translated);
  const cpu = machine.cpu;
  const view = cpu.view;
  const code = Buffer.from(v.code, "hex");
  const initial = new Map<number, Uint8Array>();
  // Page tables: one table for the GDT page (supervisor), one for the vector pages.
  view.setUint32(RAM_BASE + PAGE_DIRECTORY + (GDT >>> 22) * 4, TABLE_HIGH | 0x3, true);
  view.setUint32(RAM_BASE + TABLE_HIGH + ((GDT >>> 12) & 0x3ff) * 4, GDT_FRAME | 0x3, true);
  v.initial.pages.forEach((page, n) => {
    const frame = FRAMES + n * 0x1000;
    const content = pageContent(page.seed);
    if (v.codeAddress >= page.address && v.codeAddress < page.address + 0x1000) {
      content.set(code, v.codeAddress - page.address);
      content[v.codeAddress - page.address + code.length] = 0xcc;
    }
    cpu.writePhysicalBytes(frame, content);
    initial.set(page.address, content);
    const directoryIndex = page.address >>> 22;
    view.setUint32(RAM_BASE + PAGE_DIRECTORY + directoryIndex * 4, TABLE_VECTOR | 0x7, true);
    const writable = page.perm === 3 ? 2 : 0;
    view.setUint32(RAM_BASE + TABLE_VECTOR + ((page.address >>> 12) & 0x3ff) * 4, frame | 0x5 | writable, true);
  });
  // GDT like a 64-bit Linux host's, for the selectors 32-bit user code sees: 0x23 code, 0x2B data.
  view.setUint32(RAM_BASE + GDT_FRAME + 0x20, 0x0000ffff, true);
  view.setUint32(RAM_BASE + GDT_FRAME + 0x24, 0x00cffb00, true);
  view.setUint32(RAM_BASE + GDT_FRAME + 0x28, 0x0000ffff, true);
  view.setUint32(RAM_BASE + GDT_FRAME + 0x2c, 0x00cff300, true);
  cpu.setField(State.gdtrBase, GDT);
  cpu.setField(State.gdtrLimit, 0x7f);
  cpu.setField(State.idtrBase, 0);
  cpu.setField(State.idtrLimit, 0);
  cpu.setField(State.cr3, PAGE_DIRECTORY);
  // CR4.DE as the host kernel sets it: DR4/DR5 are #UD rather than aliases.
  cpu.setField(State.cr4, 0x8);
  cpu.setField(State.cr0, 0x80010031 | 0);
  cpu.setField(State.cpl, 3);
  const segments: [number, number, number][] = [
    [Seg.ES, 0x2b, ACCESS_USER_DATA],
    [Seg.CS, 0x23, ACCESS_USER_CODE],
    [Seg.SS, 0x2b, ACCESS_USER_DATA],
    [Seg.DS, 0x2b, ACCESS_USER_DATA],
    [Seg.FS, 0, 0],
    // A 32-bit Linux process has its TLS selector in GS (never used by the vectors).
    [Seg.GS, 0x63, ACCESS_USER_DATA],
  ];
  for (const [seg, selector, access] of segments) {
    cpu.setSegmentField(seg, "selector", selector);
    cpu.setSegmentField(seg, "base", 0);
    cpu.setSegmentField(seg, "limit", access ? -1 : 0);
    cpu.setSegmentField(seg, "access", access);
  }
  REGISTER_NAMES.forEach((name, n) => cpu.setReg32(n, v.initial.regs[name]));
  cpu.setField(State.eflags, v.initial.eflags);
  cpu.setField(State.lazyPending, 0);
  cpu.eip = v.codeAddress;
  machine.mmu.flushAll();

  const result = machine.run({ maxInstructions });
  const end = v.codeAddress + code.length;
  let exception: VectorOutcome["exception"] = null;
  if (result.exception) {
    const e = result.exception;
    // The INT3 after the snippet meets the IDT's limit as #GP(0x1A): that is the snippet's normal end.
    const finished = e.vector === 13 && e.errorCode === 0x1a && e.eip === end;
    if (!finished) exception = { vector: e.vector, errorCode: e.errorCode, cr2: e.vector === 14 ? e.cr2 : 0 };
  }
  const memory: [number, number][] = [];
  v.initial.pages.forEach((page, n) => {
    if (page.perm !== 3) return;
    const now = cpu.readPhysicalBytes(FRAMES + n * 0x1000, 0x1000);
    const before = initial.get(page.address)!;
    for (let k = 0; k < 0x1000; k++) if (now[k] !== before[k]) memory.push([page.address + k, now[k]!]);
  });
  const regs = Object.fromEntries(REGISTER_NAMES.map((name, n) => [name, cpu.reg32(n) >>> 0]));
  const eflags = new ImmediateBuilder(cpu).getEflags() >>> 0;
  // A trap-style end (INT3) leaves EIP after the INT3 natively; a fault leaves it on the instruction.
  const eip = exception ? cpu.eip : end + 1;
  return {
    regs,
    eflags,
    eip,
    memory,
    segments: { ds: cpu.segmentField(Seg.DS, "selector"), es: cpu.segmentField(Seg.ES, "selector"), fs: cpu.segmentField(Seg.FS, "selector") },
    exception,
  };
}

/** EFLAGS bits compared: the arithmetic flags, DF, IF, OF…; never RF (the host sets it at faults). */
export const COMPARED_FLAGS = 0x00000ed5;

/** Differences between the hardware result and ours (empty: the vector passes). */
export function compareOutcome(v: ConformanceVector, got: VectorOutcome): string[] {
  const want = v.final;
  const differences: string[] = [];
  const hex = (x: number) => "0x" + (x >>> 0).toString(16);
  for (const name of REGISTER_NAMES) {
    if ((want.regs[name] >>> 0) !== (got.regs[name]! >>> 0)) differences.push(`${name}: want ${hex(want.regs[name])} got ${hex(got.regs[name]!)}`);
  }
  const mask = COMPARED_FLAGS & ~v.undefinedFlags;
  if (((want.eflags ^ got.eflags) & mask) !== 0) differences.push(`eflags: want ${hex(want.eflags & mask)} got ${hex(got.eflags & mask)} (mask ${hex(mask)})`);
  if ((want.eip >>> 0) !== (got.eip >>> 0)) differences.push(`eip: want ${hex(want.eip)} got ${hex(got.eip)}`);
  // The host runs with NX enabled, so its #PF error codes carry the instruction-fetch bit (SDM Vol.3
  // 4.7, bit 4), which a P6 without NX never reports: ignore that one bit.
  const errorCode = (e: { vector: number; errorCode: number }) => (e.vector === 14 ? e.errorCode & ~0x10 : e.errorCode);
  const wantException = want.exception ? `${want.exception.vector}/${hex(errorCode(want.exception))}/${hex(want.exception.cr2)}` : "none";
  const gotException = got.exception ? `${got.exception.vector}/${hex(errorCode(got.exception))}/${hex(got.exception.cr2)}` : "none";
  if (wantException !== gotException) differences.push(`exception: want ${wantException} got ${gotException}`);
  const wantMemory = want.memory.map(([a, b]) => `${hex(a)}=${b}`).join(",");
  const gotMemory = got.memory.map(([a, b]) => `${hex(a)}=${b}`).join(",");
  if (wantMemory !== gotMemory) {
    differences.push(`memory: want ${want.memory.length} changed bytes, got ${got.memory.length} (first want ${wantMemory.slice(0, 80)} got ${gotMemory.slice(0, 80)})`);
  }
  for (const s of ["ds", "es", "fs"] as const) {
    if ((want.segments[s] & 0xffff) !== (got.segments[s] & 0xffff)) differences.push(`${s}: want ${hex(want.segments[s])} got ${hex(got.segments[s])}`);
  }
  return differences;
}
