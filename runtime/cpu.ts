/**
 * The CPU as the runtime sees it: the one linear memory, typed views of the state block and RAM, the
 * MMU and the I/O bus. Tiers (interpreter, compiled code) and helpers all work on this object; it holds
 * no architectural state of its own outside linear memory.
 */
import {
  DEFAULT_RAM_SIZE,
  MAX_RAM_SIZE,
  PAGE_SIZE,
  RAM_BASE,
  SEGMENT_SIZE,
  SegmentField,
  State,
  WASM_PAGE,
  linearMemorySize,
} from "./state/layout.js";
import type { LinearMemory } from "./mmu/access.js";
import { IoBus } from "./io/bus.js";

export interface CpuOptions {
  /** Guest RAM in bytes (multiple of 4 KiB, at most 1 GiB). Default 128 MiB. */
  ramSize?: number;
}

export class Cpu {
  readonly memory: WebAssembly.Memory;
  readonly ramSize: number;
  /** Views of the whole linear memory. */
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  readonly view: DataView;
  readonly io = new IoBus();
  /** Set by the machine once the MMU exists (runtime/mmu). */
  mmu!: LinearMemory;
  /**
   * Called after guest-visible bytes of physical RAM in [physical, physical+length) changed through a
   * path that is not a guest store (loaders, DMA); and by the MMU for stores to pages marked as holding
   * code. Code caches hang their invalidation here.
   */
  codeWriteListeners: ((physical: number, length: number) => void)[] = [];

  constructor(options: CpuOptions = {}) {
    const ramSize = options.ramSize ?? DEFAULT_RAM_SIZE;
    if (!Number.isInteger(ramSize) || ramSize < PAGE_SIZE * 256 || ramSize > MAX_RAM_SIZE || ramSize % PAGE_SIZE) {
      throw new RangeError(`RAM size must be a multiple of 4 KiB between 1 MiB and 1 GiB (got ${ramSize})`);
    }
    this.ramSize = ramSize;
    const pages = Math.ceil(linearMemorySize(ramSize) / WASM_PAGE);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.i32 = new Int32Array(this.memory.buffer);
    this.u8 = new Uint8Array(this.memory.buffer);
    this.view = new DataView(this.memory.buffer);
  }

  // ---- state fields (typed access to layout offsets) ----
  reg32(n: number): number {
    return this.i32[(State.regs >> 2) + n]!;
  }
  setReg32(n: number, value: number): void {
    this.i32[(State.regs >> 2) + n] = value;
  }
  get eip(): number {
    return this.i32[State.eip >> 2]! >>> 0;
  }
  set eip(value: number) {
    this.i32[State.eip >> 2] = value;
  }
  field(offset: number): number {
    return this.i32[offset >> 2]!;
  }
  setField(offset: number, value: number): void {
    this.i32[offset >> 2] = value;
  }
  segmentField(seg: number, field: keyof typeof SegmentField): number {
    return this.i32[(State.segments + seg * SEGMENT_SIZE + SegmentField[field]) >> 2]!;
  }
  setSegmentField(seg: number, field: keyof typeof SegmentField, value: number): void {
    this.i32[(State.segments + seg * SEGMENT_SIZE + SegmentField[field]) >> 2] = value;
  }
  get cpl(): number {
    return this.i32[State.cpl >> 2]!;
  }
  get protectedMode(): boolean {
    return (this.i32[State.cr0 >> 2]! & 1) !== 0;
  }

  // ---- physical memory (no translation; for loaders, page walks, devices) ----
  /** Host offset of guest physical address `physical`, or -1 if it is not RAM. */
  hostOffset(physical: number): number {
    return physical >>> 0 < this.ramSize ? RAM_BASE + (physical >>> 0) : -1;
  }
  /** Copy bytes into guest physical RAM; notifies code caches. Throws if the range is not RAM. */
  writePhysicalBytes(physical: number, bytes: Uint8Array): void {
    if (physical < 0 || physical + bytes.length > this.ramSize) {
      throw new RangeError(
        `physical range 0x${physical.toString(16)}+0x${bytes.length.toString(16)} is outside RAM (0x${this.ramSize.toString(16)} bytes)`,
      );
    }
    this.u8.set(bytes, RAM_BASE + physical);
    this.notifyCodeWrite(physical, bytes.length);
  }
  readPhysicalBytes(physical: number, length: number): Uint8Array {
    if (physical < 0 || physical + length > this.ramSize) throw new RangeError("physical range outside RAM");
    return this.u8.slice(RAM_BASE + physical, RAM_BASE + physical + length);
  }
  isCodePage(physicalPage: number): boolean {
    return this.mmu.isCodePage(physicalPage);
  }
  notifyCodeWrite(physical: number, length: number): void {
    for (const listener of this.codeWriteListeners) listener(physical, length);
  }
}
