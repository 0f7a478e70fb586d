/**
 * Segment-relative address → linear address, with the protection checks every data access makes
 * (SDM Vol.3 5.3 limit checking, 5.4 type checking). Used by the interpreter's loads and stores and by
 * helpers; the translator inlines the same test for segments it knows to be flat.
 *
 * The hidden part of each segment register holds the descriptor's access rights as LAR reports them
 * shifted right by 8: bits 0-3 type, 4 S, 5-6 DPL, 7 P, 12 AVL, 14 D/B, 15 G. Real-mode segments carry
 * a present, writable data type, so the same test serves both modes.
 */
import type { Cpu } from "../cpu.js";
import { State, SEGMENT_SIZE, SegmentField, Seg } from "../state/layout.js";
import { CpuFault, Vector } from "../exceptions/fault.js";

const ACCESS_PRESENT = 0x80;
const ACCESS_CODE = 0x08;
/** Data: writable; code: readable. */
const ACCESS_WRITABLE_OR_READABLE = 0x02;
/** Data: expand-down. */
const ACCESS_EXPAND_DOWN = 0x04;
const ACCESS_BIG = 0x4000;

/**
 * Linear address of `bytes` bytes at seg:offset, or a fault: #SS(0) for SS, #GP(0) otherwise.
 * `offset` is the effective address already wrapped to the address size.
 */
export function segmentLinear(cpu: Cpu, seg: number, offset: number, bytes: number, write: boolean): number {
  const i32 = cpu.i32;
  const base = (State.segments + seg * SEGMENT_SIZE) >> 2;
  const access = i32[base + (SegmentField.access >> 2)]!;
  const limit = i32[base + (SegmentField.limit >> 2)]! >>> 0;
  const first = offset >>> 0;
  const last = first + bytes - 1;
  // A null selector loaded in protected mode leaves P clear: every access faults (SDM Vol.3 5.4.1).
  if ((access & ACCESS_PRESENT) === 0) return segmentFault(seg);
  if (write) {
    if ((access & (ACCESS_CODE | ACCESS_WRITABLE_OR_READABLE)) !== ACCESS_WRITABLE_OR_READABLE) return segmentFault(seg);
  } else if ((access & (ACCESS_CODE | ACCESS_WRITABLE_OR_READABLE)) === ACCESS_CODE) {
    return segmentFault(seg);
  }
  if ((access & (ACCESS_CODE | ACCESS_EXPAND_DOWN)) === ACCESS_EXPAND_DOWN) {
    // Expand-down: valid offsets are limit+1 .. 0xFFFF (or 0xFFFFFFFF with D/B set).
    const upper = (access & ACCESS_BIG) !== 0 ? 0xffffffff : 0xffff;
    if (first <= limit || last > upper) return segmentFault(seg);
  } else if (last > limit) {
    return segmentFault(seg);
  }
  return (i32[base + (SegmentField.base >> 2)]! + first) | 0;
}

function segmentFault(seg: number): never {
  throw new CpuFault(seg === Seg.SS ? Vector.SS : Vector.GP, 0);
}
