/**
 * The segment check every load and store makes (SDM Vol.3 5.3 limit checking, 5.4 type checking), as a
 * function of the hidden part of a segment register alone: runtime/interpreter/segment-access.ts.
 * Faults are #GP(0), or #SS(0) through SS (SDM Vol.3 6.15, #SS "a limit violation ... SS").
 */
import { describe, expect, it } from "vitest";
import { Cpu } from "../../runtime/cpu.js";
import { Seg } from "../../runtime/state/layout.js";
import { segmentLinear } from "../../runtime/interpreter/segment-access.js";
import { CpuFault } from "../../runtime/exceptions/fault.js";

const GP = 13, SS = 12;
const cpu = new Cpu({ ramSize: 1 << 20 });

function check(seg: number, hidden: { base?: number; limit: number; access: number }, offset: number, bytes: number, write: boolean): number | [number, number] {
  cpu.setSegmentField(seg, "base", hidden.base ?? 0);
  cpu.setSegmentField(seg, "limit", hidden.limit);
  cpu.setSegmentField(seg, "access", hidden.access);
  try {
    return segmentLinear(cpu, seg, offset, bytes, write) >>> 0;
  } catch (error) {
    if (error instanceof CpuFault) return [error.vector, error.errorCode];
    throw error;
  }
}

const FLAT_RW = { limit: -1, access: 0xc093 };
const SMALL_RW = { base: 0x10000, limit: 0xfff, access: 0x4093 };
const READ_ONLY = { limit: 0xffff, access: 0x0091 };
const EXECUTE_ONLY = { limit: 0xffff, access: 0x0099 };
const EXECUTE_READ = { limit: 0xffff, access: 0x009b };
const DOWN_16 = { limit: 0xfff, access: 0x0097 }; // expand-down, B = 0: valid offsets 0x1000..0xFFFF
const DOWN_32 = { limit: 0xfff, access: 0x4097 }; // expand-down, B = 1: valid offsets 0x1000..0xFFFFFFFF
const NULL = { limit: 0, access: 0 }; // what a null selector load leaves
const REAL = { base: 0x12340, limit: 0xffff, access: 0x0093 };

const CASES: [what: string, seg: number, hidden: { base?: number; limit: number; access: number }, offset: number, bytes: number, write: boolean, expected: number | [number, number]][] = [
  ["flat: last dword", Seg.DS, FLAT_RW, 0xfffffffc, 4, true, 0xfffffffc],
  ["byte limit: last dword inside", Seg.DS, SMALL_RW, 0xffc, 4, false, 0x10ffc],
  ["byte limit: dword crossing the limit", Seg.DS, SMALL_RW, 0xffd, 4, false, [GP, 0]],
  ["byte limit through SS", Seg.SS, SMALL_RW, 0xffd, 4, true, [SS, 0]],
  ["byte limit: first byte past it", Seg.ES, SMALL_RW, 0x1000, 1, false, [GP, 0]],
  ["read-only data: read", Seg.DS, READ_ONLY, 0x10, 4, false, 0x10],
  ["read-only data: write", Seg.DS, READ_ONLY, 0x10, 4, true, [GP, 0]],
  ["execute-only code: read", Seg.CS, EXECUTE_ONLY, 0x10, 1, false, [GP, 0]],
  ["execute/read code: read", Seg.CS, EXECUTE_READ, 0x10, 1, false, 0x10],
  ["execute/read code: write", Seg.CS, EXECUTE_READ, 0x10, 1, true, [GP, 0]],
  ["expand-down: at the limit", Seg.DS, DOWN_16, 0xfff, 1, false, [GP, 0]],
  ["expand-down: just above the limit", Seg.DS, DOWN_16, 0x1000, 4, true, 0x1000],
  ["expand-down, B=0: last word below 64 KiB", Seg.DS, DOWN_16, 0xfffe, 2, false, 0xfffe],
  ["expand-down, B=0: word crossing 64 KiB", Seg.DS, DOWN_16, 0xffff, 2, false, [GP, 0]],
  ["expand-down, B=0: through SS", Seg.SS, DOWN_16, 0x800, 2, true, [SS, 0]],
  ["expand-down, B=1: top of 4 GiB", Seg.SS, DOWN_32, 0xfffffffc, 4, true, 0xfffffffc],
  ["expand-down, B=1: dword straddling the limit", Seg.DS, DOWN_32, 0xffe, 4, false, [GP, 0]],
  ["null selector: any access", Seg.DS, NULL, 0, 1, false, [GP, 0]],
  ["null selector: write", Seg.GS, NULL, 0x100, 4, true, [GP, 0]],
  ["real mode: base + offset", Seg.DS, REAL, 0x10, 2, true, 0x12350],
  ["real mode: word at 0xFFFF", Seg.DS, REAL, 0xffff, 2, false, [GP, 0]],
  ["real mode: word at 0xFFFF through SS", Seg.SS, REAL, 0xffff, 2, true, [SS, 0]],
];

describe("segment access check", () => {
  it.each(CASES)("%s", (_what, seg, hidden, offset, bytes, write, expected) => {
    expect(check(seg, hidden, offset, bytes, write)).toEqual(expected);
  });
});
