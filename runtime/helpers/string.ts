/**
 * String instruction loops (SDM Vol.2 MOVS…OUTS, REP/REPE/REPNE). Arguments of every helper:
 * (element size in bits, address size, source segment, repeat kind — see semantics/string.ts).
 *
 * Each element is a complete load/store through segmentation and the MMU, so a fault in the middle of
 * a REP leaves ESI/EDI/ECX describing the elements done and EIP on the instruction (it restarts).
 * Long REP MOVS/STOS going forward take a page-wise fast path (bulk copy/fill within RAM pages).
 */
import type { Cpu } from "../cpu.js";
import { Reg, Seg, State } from "../state/layout.js";
import { segmentLinear } from "../interpreter/segment-access.js";
import { Access } from "../mmu/access.js";
import { ImmediateBuilder } from "../interpreter/immediate-builder.js";
import { Flag, FlagOp } from "../../translator/semantics/flags.js";
import { ioPermitted } from "./io-permission.js";
import { CpuFault, Vector } from "../exceptions/fault.js";
import type { Size } from "../../translator/semantics/builder.js";

const REPEAT = 1;
const REPEAT_NOT_EQUAL = 2;
const ARITHMETIC = Flag.OF | Flag.SF | Flag.ZF | Flag.AF | Flag.PF | Flag.CF;
/**
 * Element steps (one element, or one page-wise bulk chunk) a REP helper does per call. When it runs
 * out with ECX still non-zero the helper returns 1 and the semantic branches back to the instruction
 * itself, so pending interrupts are taken between calls (as hardware takes them between iterations,
 * SDM Vol.2 REP: "repeat string operations can be interrupted").
 */
export const REP_STEP_BUDGET = 0x4000;

const builders = new WeakMap<Cpu, ImmediateBuilder>();
function flagsOf(cpu: Cpu): ImmediateBuilder {
  let builder = builders.get(cpu);
  if (builder === undefined) {
    builder = new ImmediateBuilder(cpu);
    builders.set(cpu, builder);
  }
  return builder;
}

interface Cursor {
  size: number;
  bytes: number;
  mask: number;
  step: number;
}

function cursor(cpu: Cpu, size: number, addressSize: number): Cursor {
  const bytes = size >> 3;
  const down = (cpu.field(State.eflags) & Flag.DF) !== 0;
  return { size, bytes, mask: addressSize === 16 ? 0xffff : -1, step: down ? -bytes : bytes };
}

function register(cpu: Cpu, n: number, c: Cursor): number {
  return cpu.reg32(n) & c.mask;
}

function advance(cpu: Cpu, n: number, c: Cursor): void {
  const value = cpu.reg32(n);
  cpu.setReg32(n, c.mask === -1 ? (value + c.step) | 0 : (value & ~0xffff) | ((value + c.step) & 0xffff));
}

function count(cpu: Cpu, c: Cursor): number {
  return (cpu.reg32(Reg.ECX) & c.mask) >>> 0;
}

function setCount(cpu: Cpu, c: Cursor, value: number): void {
  const ecx = cpu.reg32(Reg.ECX);
  cpu.setReg32(Reg.ECX, c.mask === -1 ? value | 0 : (ecx & ~0xffff) | (value & 0xffff));
}

function load(cpu: Cpu, seg: number, offset: number, c: Cursor): number {
  const linear = segmentLinear(cpu, seg, offset, c.bytes, false);
  return c.bytes === 4 ? cpu.mmu.read32(linear) : c.bytes === 2 ? cpu.mmu.read16(linear) : cpu.mmu.read8(linear);
}

function store(cpu: Cpu, seg: number, offset: number, value: number, c: Cursor): void {
  const linear = segmentLinear(cpu, seg, offset, c.bytes, true);
  if (c.bytes === 4) cpu.mmu.write32(linear, value);
  else if (c.bytes === 2) cpu.mmu.write16(linear, value);
  else cpu.mmu.write8(linear, value);
}

/**
 * Run `element` once, or ECX times with a REP prefix (ECX decremented after each element). Returns 1
 * when the step budget ran out before the end (the instruction is then executed again), else 0.
 */
function repeatLoop(cpu: Cpu, c: Cursor, repeat: number, element: () => boolean): number {
  if (repeat === 0) {
    element();
    return 0;
  }
  let remaining = count(cpu, c);
  let budget = REP_STEP_BUDGET;
  while (remaining !== 0) {
    if (budget-- === 0) return 1;
    const keepGoing = element();
    remaining = (remaining - 1) >>> 0;
    setCount(cpu, c, remaining);
    if (!keepGoing) break;
  }
  return 0;
}

/**
 * Bulk part of REP MOVS/STOS: as many whole elements as fit in the current source and destination
 * pages, moved at once when both are RAM and the copy does not overlap in a way bytewise order would
 * see. Returns false when it did nothing (the caller then does one element the slow way).
 */
function bulk(cpu: Cpu, c: Cursor, seg: number, fill: boolean): boolean {
  if (c.step < 0 || c.mask !== -1) return false;
  const remaining = count(cpu, c);
  if (remaining < 8) return false;
  const di = register(cpu, Reg.EDI, c) >>> 0;
  const pageRoomDestination = 0x1000 - (di & 0xfff);
  let elements = Math.min(remaining, Math.floor(pageRoomDestination / c.bytes));
  let sourceHost = -1;
  const si = register(cpu, Reg.ESI, c) >>> 0;
  if (!fill) {
    elements = Math.min(elements, Math.floor((0x1000 - (si & 0xfff)) / c.bytes));
  }
  if (elements < 2) return false;
  const length = elements * c.bytes;
  const destinationLinear = segmentLinear(cpu, Seg.ES, di, length, true);
  if ((destinationLinear & 0xfff) + length > 0x1000) return false;
  if (!fill) {
    const sourceLinear = segmentLinear(cpu, seg, si, length, false);
    if ((sourceLinear & 0xfff) + length > 0x1000) return false;
    sourceHost = cpu.mmu.translate(sourceLinear, Access.Read);
  }
  const destinationHost = cpu.mmu.translate(destinationLinear, Access.Write);
  const u8 = cpu.u8;
  if (fill) {
    const value = cpu.reg32(Reg.EAX);
    if (c.bytes === 1) u8.fill(value & 0xff, destinationHost, destinationHost + length);
    else for (let k = 0; k < elements; k++) {
      if (c.bytes === 4) cpu.view.setInt32(destinationHost + k * 4, value, true);
      else cpu.view.setUint16(destinationHost + k * 2, value, true);
    }
  } else if (destinationHost <= sourceHost || destinationHost >= sourceHost + length) {
    u8.copyWithin(destinationHost, sourceHost, sourceHost + length);
  } else {
    // Forward copy onto itself a little higher: bytewise semantics replicate the pattern.
    for (let k = 0; k < length; k++) u8[destinationHost + k] = u8[sourceHost + k]!;
  }
  const physical = destinationHost - (cpu.hostOffset(0));
  if (cpu.isCodePage(physical >>> 12)) cpu.notifyCodeWrite(physical, length);
  cpu.setReg32(Reg.EDI, (cpu.reg32(Reg.EDI) + length) | 0);
  if (!fill) cpu.setReg32(Reg.ESI, (cpu.reg32(Reg.ESI) + length) | 0);
  setCount(cpu, c, remaining - elements);
  return true;
}

export function movs(cpu: Cpu, size: number, addressSize: number, seg: number, repeat: number): number {
  const c = cursor(cpu, size, addressSize);
  if (repeat !== 0) {
    let budget = REP_STEP_BUDGET;
    while (count(cpu, c) !== 0) {
      if (budget-- === 0) return 1;
      if (bulk(cpu, c, seg, false)) continue;
      store(cpu, Seg.ES, register(cpu, Reg.EDI, c), load(cpu, seg, register(cpu, Reg.ESI, c), c), c);
      advance(cpu, Reg.ESI, c);
      advance(cpu, Reg.EDI, c);
      setCount(cpu, c, count(cpu, c) - 1);
    }
    return 0;
  }
  store(cpu, Seg.ES, register(cpu, Reg.EDI, c), load(cpu, seg, register(cpu, Reg.ESI, c), c), c);
  advance(cpu, Reg.ESI, c);
  advance(cpu, Reg.EDI, c);
  return 0;
}

export function stos(cpu: Cpu, size: number, addressSize: number, _seg: number, repeat: number): number {
  const c = cursor(cpu, size, addressSize);
  const value = cpu.reg32(Reg.EAX);
  if (repeat !== 0) {
    let budget = REP_STEP_BUDGET;
    while (count(cpu, c) !== 0) {
      if (budget-- === 0) return 1;
      if (bulk(cpu, c, Seg.ES, true)) continue;
      store(cpu, Seg.ES, register(cpu, Reg.EDI, c), value, c);
      advance(cpu, Reg.EDI, c);
      setCount(cpu, c, count(cpu, c) - 1);
    }
    return 0;
  }
  store(cpu, Seg.ES, register(cpu, Reg.EDI, c), value, c);
  advance(cpu, Reg.EDI, c);
  return 0;
}

export function lods(cpu: Cpu, size: number, addressSize: number, seg: number, repeat: number): number {
  const c = cursor(cpu, size, addressSize);
  const b = flagsOf(cpu);
  return repeatLoop(cpu, c, repeat, () => {
    b.setReg(size as Size, Reg.EAX, load(cpu, seg, register(cpu, Reg.ESI, c), c));
    advance(cpu, Reg.ESI, c);
    return true;
  });
}

/** CMPS/SCAS: flags as CMP; REPE stops when ZF = 0, REPNE when ZF = 1 (SDM Vol.2 REP). */
function compare(cpu: Cpu, c: Cursor, repeat: number, operands: () => [number, number], bulk?: () => number): number {
  const b = flagsOf(cpu);
  const mask = c.size === 32 ? -1 : c.size === 16 ? 0xffff : 0xff;
  // A fault in the middle of REPE/REPNE CMPS/SCAS leaves EFLAGS as they were before the instruction
  // (observed on Intel hardware by the conformance vectors; registers reflect the completed elements).
  const saved = repeat !== 0 ? b.getEflags() : 0;
  try {
    if (repeat !== 0 && bulk !== undefined) {
      // Whole chunks while they apply (0: done, 1: a chunk done, more left, -1: element by element).
      let budget = REP_STEP_BUDGET;
      for (;;) {
        if (budget-- === 0) return 1;
        const result = bulk();
        if (result === 0) return 0;
        if (result === -1) break;
      }
    }
    return repeatCompare(cpu, c, repeat, operands, b, mask);
  } catch (error) {
    if (repeat !== 0) b.setFlagBits(ARITHMETIC, saved);
    throw error;
  }
}

function repeatCompare(cpu: Cpu, c: Cursor, repeat: number, operands: () => [number, number], b: ImmediateBuilder, mask: number): number {
  return repeatLoop(cpu, c, repeat, () => {
    const [x, y] = operands();
    const result = (x - y) & mask;
    b.setFlags(FlagOp.Sub, c.size as Size, result, x, y, ARITHMETIC);
    const zero = result === 0;
    return repeat === REPEAT ? zero : repeat === REPEAT_NOT_EQUAL ? !zero : true;
  });
}

export function cmps(cpu: Cpu, size: number, addressSize: number, seg: number, repeat: number): number {
  const c = cursor(cpu, size, addressSize);
  return compare(cpu, c, repeat, () => {
    const x = load(cpu, seg, register(cpu, Reg.ESI, c), c);
    const y = load(cpu, Seg.ES, register(cpu, Reg.EDI, c), c);
    advance(cpu, Reg.ESI, c);
    advance(cpu, Reg.EDI, c);
    return [x, y];
  });
}

/**
 * Bulk REPE/REPNE SCASB going forward: the elements left in the current page and segment compared
 * at once against the host bytes, stopping where the repeat condition ends, with the flags of the
 * last comparison. Returns 0 when it stopped on the condition, 1 when the chunk ran out with ECX left,
 * -1 when it cannot apply (the caller then does elements one at a time).
 */
function bulkScan(cpu: Cpu, c: Cursor, repeat: number): number {
  if (c.bytes !== 1 || c.step !== 1 || c.mask !== -1) return -1;
  const remaining = count(cpu, c);
  if (remaining < 16) return -1;
  const di = cpu.reg32(Reg.EDI) >>> 0;
  const access = cpu.segmentField(Seg.ES, "access");
  if ((access & 0x0c) === 0x04) return -1; // expand-down data: element by element
  const limit = cpu.segmentField(Seg.ES, "limit") >>> 0;
  const chunk = Math.min(remaining, 0x1000 - (di & 0xfff), limit - di + 1);
  if (!(chunk >= 1)) return -1;
  // The first element is read whatever happens: its segment and page faults are the architectural ones.
  const linear = segmentLinear(cpu, Seg.ES, di, chunk, false);
  if ((linear & 0xfff) + chunk > 0x1000) return -1;
  const host = cpu.mmu.translate(linear, Access.Read);
  const al = cpu.reg32(Reg.EAX) & 0xff;
  const u8 = cpu.u8;
  let stop = -1;
  if (repeat === REPEAT_NOT_EQUAL) {
    const found = u8.subarray(host, host + chunk).indexOf(al);
    stop = found;
  } else {
    for (let k = 0; k < chunk; k++) {
      if (u8[host + k] !== al) {
        stop = k;
        break;
      }
    }
  }
  const elements = stop < 0 ? chunk : stop + 1;
  const last = u8[host + elements - 1]!;
  flagsOf(cpu).setFlags(FlagOp.Sub, 8, (al - last) & 0xff, al, last, ARITHMETIC);
  cpu.setReg32(Reg.EDI, (di + elements) | 0);
  setCount(cpu, c, remaining - elements);
  return stop >= 0 || remaining === elements ? 0 : 1;
}

export function scas(cpu: Cpu, size: number, addressSize: number, _seg: number, repeat: number): number {
  const c = cursor(cpu, size, addressSize);
  const mask = size === 32 ? -1 : size === 16 ? 0xffff : 0xff;
  return compare(
    cpu,
    c,
    repeat,
    () => {
      const y = load(cpu, Seg.ES, register(cpu, Reg.EDI, c), c);
      advance(cpu, Reg.EDI, c);
      return [cpu.reg32(Reg.EAX) & mask, y];
    },
    () => bulkScan(cpu, c, repeat),
  );
}

function checkPort(cpu: Cpu, port: number, bytes: number): void {
  if (!ioPermitted(cpu, port, bytes)) throw new CpuFault(Vector.GP, 0);
}

export function ins(cpu: Cpu, size: number, addressSize: number, _seg: number, repeat: number): number {
  const c = cursor(cpu, size, addressSize);
  const port = cpu.reg32(Reg.EDX) & 0xffff;
  checkPort(cpu, port, c.bytes);
  return repeatLoop(cpu, c, repeat, () => {
    // Check the destination before reading the port: a port read may have side effects.
    segmentLinear(cpu, Seg.ES, register(cpu, Reg.EDI, c), c.bytes, true);
    store(cpu, Seg.ES, register(cpu, Reg.EDI, c), cpu.io.read(port, size as 8 | 16 | 32), c);
    advance(cpu, Reg.EDI, c);
    return true;
  });
}

export function outs(cpu: Cpu, size: number, addressSize: number, seg: number, repeat: number): number {
  const c = cursor(cpu, size, addressSize);
  const port = cpu.reg32(Reg.EDX) & 0xffff;
  checkPort(cpu, port, c.bytes);
  return repeatLoop(cpu, c, repeat, () => {
    cpu.io.write(port, load(cpu, seg, register(cpu, Reg.ESI, c), c), size as 8 | 16 | 32);
    advance(cpu, Reg.ESI, c);
    return true;
  });
}
