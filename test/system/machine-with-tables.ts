/**
 * Test support for the system tests: a protected-mode snippet machine (test/support/run-snippet.ts)
 * with a hand-made GDT (and optionally an LDT and a TSS) in guest memory, descriptors encoded from
 * their fields as SDM Vol.3 3.4.5 draws them.
 */
import { setupMachine, hex, type SnippetSetup } from "../support/run-snippet.js";
import { State } from "../../runtime/state/layout.js";
import type { Machine } from "../../src/machine.js";

/** Access word as stored in a segment register's hidden part: bits 0-7 type/S/DPL/P, 12-15 AVL/L/D-B/G. */
export function descriptor(base: number, limit: number, access: number): number[] {
  const low = ((limit & 0xffff) | ((base & 0xffff) << 16)) >>> 0;
  const high =
    (((base >>> 16) & 0xff) | ((access & 0xff) << 8) | (limit & 0xf0000) | (((access >>> 12) & 0xf) << 20) | (base & 0xff000000)) >>> 0;
  return [low, high].flatMap((word) => [word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24]);
}

export const GDT_ADDRESS = 0x800;
export const LDT_ADDRESS = 0xc00;
export const TSS_ADDRESS = 0x3000;

export interface TableSetup extends SnippetSetup {
  /** GDT entries from index 0 (entry 0 is the null descriptor: pass []). */
  gdt?: number[][];
  /** Load LDTR directly with a table of these entries (no LLDT). */
  ldt?: number[][];
  /** Load TR directly: a 32-bit busy TSS of `limit` at TSS_ADDRESS with this I/O map base and bitmap. */
  tss?: { limit: number; ioMapBase: number; bitmap?: number[] };
  /** Last-minute state changes before the run. */
  before?: (cpu: Machine["cpu"]) => void;
}

export interface TableRun {
  machine: Machine;
  /** The exception that stopped the snippet, or undefined if it reached its end. */
  exception?: { vector: number; errorCode: number };
  reason: string;
}

export function runWithTables(code: string, setup: TableSetup = {}): TableRun {
  const memory = [...(setup.memory ?? [])];
  const gdt = setup.gdt ?? [];
  if (gdt.length > 0) memory.push({ address: GDT_ADDRESS, bytes: gdt.flatMap((entry) => (entry.length ? entry : new Array(8).fill(0))) });
  if (setup.ldt) memory.push({ address: LDT_ADDRESS, bytes: setup.ldt.flat() });
  if (setup.tss) {
    const bytes = new Array(setup.tss.ioMapBase + (setup.tss.bitmap?.length ?? 0)).fill(0);
    bytes[102] = setup.tss.ioMapBase & 0xff;
    bytes[103] = setup.tss.ioMapBase >>> 8;
    (setup.tss.bitmap ?? []).forEach((byte, k) => (bytes[setup.tss!.ioMapBase + k] = byte));
    memory.push({ address: TSS_ADDRESS, bytes });
  }
  const bytes = hex(code);
  const { machine, end } = setupMachine(bytes, { ...setup, memory });
  const cpu = machine.cpu;
  cpu.setField(State.gdtrBase, GDT_ADDRESS);
  cpu.setField(State.gdtrLimit, gdt.length > 0 ? gdt.length * 8 - 1 : 0);
  if (setup.ldt) {
    cpu.setField(State.ldtr, 0x0040);
    cpu.setField(State.ldtr + 4, LDT_ADDRESS);
    cpu.setField(State.ldtr + 8, setup.ldt.length * 8 - 1);
    cpu.setField(State.ldtr + 12, 0x82);
  } else {
    cpu.setField(State.ldtr, 0);
    cpu.setField(State.ldtr + 12, 0);
  }
  if (setup.tss) {
    cpu.setField(State.tr, 0x0048);
    cpu.setField(State.tr + 4, TSS_ADDRESS);
    cpu.setField(State.tr + 8, setup.tss.limit);
    cpu.setField(State.tr + 12, 0x8b);
  }
  setup.before?.(cpu);
  const result = machine.run({ maxInstructions: 1000 });
  const finished = result.exception?.vector === 6 && cpu.eip === end;
  const run: TableRun = { machine, reason: result.reason };
  if (!finished && result.exception) run.exception = { vector: result.exception.vector, errorCode: result.exception.errorCode };
  if (!finished && !result.exception) run.exception = { vector: -1, errorCode: -1 };
  return run;
}

/** Read a 32-bit little-endian word of guest physical memory. */
export function physical32(machine: Machine, address: number): number {
  const b = machine.cpu.readPhysicalBytes(address, 4);
  return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
}
