/**
 * The interpreter tier: fetch a decoded block for CS:EIP (decoding it once), run each instruction's
 * one semantic function through the ImmediateBuilder, and deliver faults precisely.
 */
import type { Instruction } from "../../translator/isa/types.js";
import { DecodeFailure } from "../../translator/isa/types.js";
import { decode } from "../../translator/decoder/decode.js";
import { semanticKey } from "../../translator/isa/opcodes.js";
import { SEMANTICS } from "../../translator/semantics/index.js";
import type { Semantic } from "../../translator/semantics/builder.js";
import type { Cpu } from "../cpu.js";
import { Access } from "../mmu/access.js";
import { CpuFault, Vector } from "../exceptions/fault.js";
import { ExitReason, PAGE_SIZE, RAM_BASE, Seg, SegmentField, SEGMENT_SIZE, State } from "../state/layout.js";
import { ImmediateBuilder } from "./immediate-builder.js";
import { DecodedBlockCache, type CompiledCode, type DecodedBlock } from "./decoded-block-cache.js";
import { formRegion, type Region } from "./region.js";
import { PatchedCode } from "./patched-code.js";

export type { Region };

/** Longest straight run of instructions in one decoded block. */
const MAX_BLOCK_INSTRUCTIONS = 64;
const MAX_INSTRUCTION_LENGTH = 15;

const CS_BASE = (State.segments + Seg.CS * SEGMENT_SIZE + SegmentField.base) >> 2;
const CS_LIMIT = (State.segments + Seg.CS * SEGMENT_SIZE + SegmentField.limit) >> 2;
const CS_ACCESS = (State.segments + Seg.CS * SEGMENT_SIZE + SegmentField.access) >> 2;
const SS_ACCESS = (State.segments + Seg.SS * SEGMENT_SIZE + SegmentField.access) >> 2;
const ACCESS_BIG = 0x4000;

/** A region compiled from `owner`, which other blocks of its page may enter at its entry points. */
interface CompiledRegion {
  readonly owner: DecodedBlock;
  readonly code: CompiledCode;
  readonly csBase: number;
  readonly start: number;
  readonly end: number;
  readonly ranges: readonly number[];
}

/** What the run loop does with an exception. */
export interface ExceptionPolicy {
  /** Deliver through the IVT/IDT (normal), or stop the run and report it (conformance). */
  deliver(cpu: Cpu, fault: CpuFault): void;
}

export interface InterpreterStatistics {
  blocksDecoded: number;
  instructionsDecoded: number;
  blocksInvalidated: number;
  /** Instructions decoded again in place after a write changed only their immediate or displacement. */
  instructionsPatched: number;
  blocksCompiled: number;
  /** Translations dropped to keep the code cache within its capacity. */
  translationsEvicted: number;
  compileFailures: number;
  compileSeconds: number;
  /** Guest instructions in the regions compiled (compile throughput: this over compileSeconds). */
  instructionsCompiled: number;
  /** Guest instructions executed by compiled blocks. */
  compiledInstructions: number;
  /** Hot blocks that entered a region compiled from another block (no compile of their own). */
  entriesShared: number;
  /** Seconds a background compiler (another thread) spent on translations. */
  backgroundCompileSeconds: number;
}

/** The translator tier, installed by src/translator-tier.ts (kept out of this module: Binaryen is large). */
export interface Translator {
  /** Executions of a block before it is compiled. */
  readonly threshold: number;
  /** Compiled regions kept at most; past it the oldest translation is dropped (and may recompile). */
  readonly capacity: number;
  /** The mode word of the current CPU state: what a translation depends on besides its bytes. */
  mode(): number;
  compile(region: Region, eip: number, mode: number): CompiledCode;
  /**
   * Run `code` (compiled for the current EIP and mode, whose bytes end at CS offset `lastOffset`),
   * then whatever compiled code follows it, until a miss, a stop request or `budget` instructions.
   * Returns the instructions retired; a fault leaves through CpuFault with State.dispatched holding
   * the instructions retired by the regions before the faulting one.
   */
  enter(code: CompiledCode, eip: number, lastOffset: number, budget: number): number;
  /**
   * The region of `code` entered at `eip`, one of its entry points (a block that a region compiled
   * from another block already holds shares that function): undefined if `eip` is not an entry.
   */
  share(code: CompiledCode, eip: number): CompiledCode | undefined;
  /** The translation is gone for good (its bytes changed, or it was evicted). */
  release(code: CompiledCode): void;
  /** Install translations finished in the background (called now and then from the run loop). */
  poll?(): void;
}

export class Interpreter {
  readonly builder: ImmediateBuilder;
  readonly blocks: DecodedBlockCache;
  readonly statistics: InterpreterStatistics = {
    blocksDecoded: 0,
    instructionsDecoded: 0,
    blocksInvalidated: 0,
    instructionsPatched: 0,
    blocksCompiled: 0,
    translationsEvicted: 0,
    compileFailures: 0,
    compileSeconds: 0,
    instructionsCompiled: 0,
    compiledInstructions: 0,
    entriesShared: 0,
    backgroundCompileSeconds: 0,
  };
  translator: Translator | null = null;
  /** Blocks holding a translation, oldest first (a ring of `capacity` entries). */
  private readonly translated: DecodedBlock[] = [];
  private translatedHead = 0;
  private readonly fetchBuffer = new Uint8Array(MAX_INSTRUCTION_LENGTH * 2);
  /** Regions compiled, by physical page: a block that is an entry point of one enters it there. */
  private readonly regionsByPage = new Map<number, CompiledRegion[]>();
  private readonly patchedCode = new PatchedCode();
  /** Run-loop iterations, to poll for background translations now and then. */
  private iterations = 0;

  constructor(
    private readonly cpu: Cpu,
    private readonly exceptions: ExceptionPolicy,
    markCodePage: (physicalPage: number) => void,
    unmarkCodePage: (physicalPage: number) => void,
  ) {
    this.builder = new ImmediateBuilder(cpu);
    this.blocks = new DecodedBlockCache(markCodePage, unmarkCodePage, (block) => this.forgetTranslation(block));
    cpu.codeWriteListeners.push((physical, length) => {
      const { dropped, patched } = this.blocks.invalidate(physical, length, this.redecode);
      if (dropped > 0 || patched > 0) this.patchedCode.record(physical, length);
      this.statistics.blocksInvalidated += dropped;
      this.statistics.instructionsPatched += patched;
      if (dropped > 0) cpu.setField(State.codeChanged, 1);
    });
  }

  /**
   * Execute `budget` instructions: exactly, when interpreting; compiled regions finish the region
   * they are in (a loop inside one runs a bounded number of iterations), so they may overshoot.
   * Returns the number executed. Stops early when State.stopRequest is set.
   */
  run(budget: number): number {
    const cpu = this.cpu;
    const i32 = cpu.i32;
    const builder = this.builder;
    let executed = 0;
    while (executed < budget && i32[State.stopRequest >> 2] === 0) {
      let eip = i32[State.eip >> 2]! >>> 0;
      let compiledRunning = false;
      try {
        const code16 = (i32[CS_ACCESS]! & ACCESS_BIG) === 0;
        const block = this.blockAt(eip, code16);
        const instructions = block.instructions;
        const semantics = block.semantics;
        const stack16 = (i32[SS_ACCESS]! & ACCESS_BIG) === 0;
        const protectedMode = (i32[State.cr0 >> 2]! & 1) !== 0;
        const limit = i32[CS_LIMIT]! >>> 0;
        block.executions++;
        const translator = this.translator;
        if (translator !== null) {
          const mode = translator.mode();
          if (block.compiled === undefined && block.executions >= translator.threshold) this.translate(block, eip, mode, code16);
          const compiled = block.compiled;
          const lastOffset = eip + (block.compiledEnd ?? block.physicalEnd) - block.physical - 1;
          if ((++this.iterations & 63) === 0) translator.poll?.();
          if (compiled && compiled.ready !== false && compiled.eip === eip && compiled.mode === mode && lastOffset <= limit) {
            i32[State.dispatched >> 2] = 0;
            compiledRunning = true;
            const retired = translator.enter(compiled, eip, lastOffset, budget - executed);
            compiledRunning = false;
            executed += retired;
            this.statistics.compiledInstructions += retired;
            continue;
          }
        }
        for (let n = 0; n < instructions.length; n++) {
          const instruction = instructions[n]!;
          if (eip + instruction.length - 1 > limit) throw new CpuFault(Vector.GP, 0);
          builder.begin(instruction, eip, code16, stack16, protectedMode);
          const semantic = semantics[n];
          if (semantic === undefined) throw new CpuFault(Vector.UD);
          semantic(builder, instruction);
          executed++;
          // The budget is exact for interpreted code, so a lockstep run can stop where compiled code did.
          if (builder.transferred || !block.valid || i32[State.stopRequest >> 2] !== 0 || executed >= budget) break;
          eip = i32[State.eip >> 2]! >>> 0;
        }
      } catch (error) {
        if (!(error instanceof CpuFault)) throw error;
        // Precise fault: EIP back to the faulting instruction; semantics wrote nothing before the check.
        i32[State.eip >> 2] = compiledRunning ? i32[State.instructionEip >> 2]! : eip;
        if (compiledRunning) {
          // Regions before the faulting one, and the faulting region's instructions before the faulting
          // instruction (every path that can fault syncs State.retired as if that one had completed).
          const retired = i32[State.dispatched >> 2]! + Math.max(0, i32[State.retired >> 2]! - 1);
          executed += retired;
          this.statistics.compiledInstructions += retired;
        }
        this.exceptions.deliver(cpu, error);
        // A delivery counts against the budget, so a fault that repeats forever cannot hang the loop.
        executed++;
      }
    }
    return executed;
  }

  private translate(block: DecodedBlock, eip: number, mode: number, code16: boolean): void {
    const started = performance.now();
    const csBase = this.cpu.i32[CS_BASE]!;
    if (this.shareRegion(block, eip, mode, csBase)) return;
    try {
      const region = formRegion(this.blocks, block, eip, code16, csBase, {
        excluded: (other) => this.patchedCode.isVolatile(other.physical, other.physicalEnd),
        unrun: (physical) => this.unrunBlock(physical, code16),
      });
      const code = this.translator!.compile(region, eip, mode);
      block.compiled = code;
      this.blocks.cover(block, region.physicalStart, region.physicalEnd, region.ranges);
      const page = block.physical >>> 12;
      const list = this.regionsByPage.get(page) ?? [];
      list.push({ owner: block, code, csBase, start: region.physicalStart, end: region.physicalEnd, ranges: region.ranges });
      this.regionsByPage.set(page, list);
      this.statistics.blocksCompiled++;
      this.statistics.instructionsCompiled += region.instructions.length;
      this.remember(block);
    } catch (error) {
      block.compiled = null;
      this.statistics.compileFailures++;
      if (process.env.WARP86_DEBUG) console.error(`warp86: translation of block at ${eip.toString(16)} failed:`, error);
    }
    this.statistics.compileSeconds += (performance.now() - started) / 1000;
  }

  /**
   * Give `block` the translation of a region compiled earlier from another block of its page that
   * holds `eip` as an entry point (same mode and CS base), instead of compiling the code again.
   */
  private shareRegion(block: DecodedBlock, eip: number, mode: number, csBase: number): boolean {
    const list = this.regionsByPage.get(block.physical >>> 12);
    if (list === undefined) return false;
    for (let n = list.length - 1; n >= 0; n--) {
      const region = list[n]!;
      // Gone when its first block lost it (bytes written, or evicted): blocks sharing it keep their own copy.
      if (!region.owner.valid || region.owner.compiled !== region.code) {
        list.splice(n, 1);
        continue;
      }
      if (region.code.mode !== mode || region.csBase !== csBase) continue;
      const shared = this.translator!.share(region.code, eip);
      if (shared === undefined) continue;
      block.compiled = shared;
      this.blocks.cover(block, region.start, region.end, region.ranges);
      this.statistics.entriesShared++;
      this.remember(block);
      return true;
    }
    if (list.length === 0) this.regionsByPage.delete(block.physical >>> 12);
    return false;
  }

  /** A block's translation can never run again (its bytes changed, or the cache dropped it). */
  private forgetTranslation(block: DecodedBlock): void {
    if (block.compiled) {
      this.translator?.release(block.compiled);
      // If the block owned a region, other blocks can no longer start sharing it.
      const page = block.physical >>> 12;
      const list = this.regionsByPage.get(page);
      const kept = list?.filter((region) => region.owner !== block);
      if (kept !== undefined && kept.length !== list!.length) {
        if (kept.length === 0) this.regionsByPage.delete(page);
        else this.regionsByPage.set(page, kept);
      }
    }
    block.compiled = undefined;
  }

  /**
   * Keep the code cache bounded: past `capacity` translations the oldest one is dropped; its block
   * goes back to the interpreter and may be compiled again when it is hot again.
   */
  private remember(block: DecodedBlock): void {
    const capacity = this.translator!.capacity;
    if (this.translated.length < capacity) {
      this.translated.push(block);
      return;
    }
    const oldest = this.translated[this.translatedHead]!;
    if (oldest.compiled) {
      this.forgetTranslation(oldest);
      oldest.executions = 0;
      this.statistics.translationsEvicted++;
    }
    this.translated[this.translatedHead] = block;
    this.translatedHead = (this.translatedHead + 1) % capacity;
  }

  /** The decoded block at CS:eip, decoding it on first use. Faults like an instruction fetch. */
  private blockAt(eip: number, code16: boolean): DecodedBlock {
    const cpu = this.cpu;
    const linear = (cpu.i32[CS_BASE]! + eip) | 0;
    const host = cpu.mmu.translate(linear, Access.Fetch);
    const physical = host - RAM_BASE;
    const cached = this.blocks.get(physical, code16);
    if (cached !== undefined) return cached;
    return this.decodeBlock(linear, physical, host, code16);
  }

  /** The instruction at host offset `host`, decoded from bytes of its page only. */
  private decodeInPage(host: number, code16: boolean): Instruction | DecodeFailure {
    return decode(this.cpu.u8, host, host - (host & (PAGE_SIZE - 1)) + PAGE_SIZE, code16 ? 16 : 32);
  }

  /** The instruction at `physical` decoded again after a write (DecodedBlockCache.invalidate). */
  private readonly redecode = (physical: number, code16: boolean): Instruction | null => {
    const result = this.decodeInPage(RAM_BASE + physical, code16);
    if (typeof result === "number") return null;
    this.statistics.instructionsDecoded++;
    return result;
  };

  /**
   * The block at `physical` in a page being compiled, decoded ahead of its first execution for a
   * region (region.ts), or undefined where running it would fault at once (an instruction that does
   * not decode or runs into the next page): those paths stay out of the region. It is not added to
   * the decoded-block cache (it is decoded again if it runs): a block the guest has just rewritten,
   * decoded again here, kept smc's per-write path 25% slower.
   */
  private unrunBlock(physical: number, code16: boolean): DecodedBlock | undefined {
    const cached = this.blocks.get(physical, code16);
    if (cached !== undefined) return cached;
    const host = RAM_BASE + physical;
    const first = this.decodeInPage(host, code16);
    if (typeof first === "number") return undefined;
    // The linear address only serves instructions that cross the page, which this block does not start with.
    return this.decodeBlock(0, physical, host, code16, false);
  }

  /** `cache`: keep the block for the interpreter (a block decoded ahead for a region is not kept). */
  private decodeBlock(linear: number, physical: number, host: number, code16: boolean, cache = true): DecodedBlock {
    const cpu = this.cpu;
    const pageEnd = host - (host & (PAGE_SIZE - 1)) + PAGE_SIZE;
    const instructions: Instruction[] = [];
    const semantics: (Semantic | undefined)[] = [];
    let at = host;
    let cacheable = true;
    while (instructions.length < MAX_BLOCK_INSTRUCTIONS) {
      let result = decode(cpu.u8, at, pageEnd, code16 ? 16 : 32);
      if (result === DecodeFailure.Truncated) {
        // The instruction runs into the next page: fetch its bytes through the MMU (may #PF there).
        if (instructions.length > 0) break;
        result = this.decodeAcrossPage(linear + (at - host), code16);
        cacheable = false;
      }
      if (typeof result === "number") {
        if (instructions.length > 0) break; // the fault belongs to the next block
        throw decodeFault(result);
      }
      instructions.push(result);
      semantics.push(SEMANTICS[semanticKey(result.row)]);
      at += result.length;
      this.statistics.instructionsDecoded++;
      if (result.row.endsBlock || result.row.callout || at >= pageEnd || !cacheable) break;
    }
    const block: DecodedBlock = {
      physical,
      physicalEnd: physical + Math.min(at, pageEnd) - host,
      code16,
      instructions,
      semantics,
      executions: 0,
      valid: true,
    };
    // A block that is not cached is decoded afresh each time: it is never translated (nothing would drop it).
    if (!cacheable) block.compiled = null;
    this.statistics.blocksDecoded++;
    if (cacheable && cache) this.blocks.add(block, code16);
    return block;
  }

  private decodeAcrossPage(linear: number, code16: boolean): Instruction | DecodeFailure {
    const mmu = this.cpu.mmu;
    const buffer = this.fetchBuffer;
    // Fetch byte by byte so that only pages the instruction really reaches can fault.
    let available = 0;
    for (;;) {
      const result = decode(buffer, 0, available, code16 ? 16 : 32);
      if (result !== DecodeFailure.Truncated || available === MAX_INSTRUCTION_LENGTH) {
        return result === DecodeFailure.Truncated ? DecodeFailure.TooLong : result;
      }
      buffer[available] = mmu.read8((linear + available) | 0);
      available++;
    }
  }
}

function decodeFault(failure: DecodeFailure): CpuFault {
  return failure === DecodeFailure.TooLong ? new CpuFault(Vector.GP, 0) : new CpuFault(Vector.UD);
}

export { ExitReason };
