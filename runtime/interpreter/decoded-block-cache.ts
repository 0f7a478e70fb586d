/**
 * Decoded basic blocks, keyed by the physical address of their first byte and the code size they were
 * decoded for, so the interpreter never decodes the same unchanged bytes twice. A block never spans a
 * page: an instruction that crosses a page boundary is decoded on every execution (its second page
 * may map elsewhere under another CR3), and ends its block.
 *
 * Writes to guest RAM that hit a page holding decoded blocks (the MMU routes such stores through its
 * slow path because the page is marked as code) drop exactly the blocks whose bytes were written,
 * except where a write only changed the immediate or displacement bytes of one instruction of a
 * block no translation covers: that instruction is decoded again and replaced in place (see
 * `invalidate`).
 */
import type { Instruction } from "../../translator/isa/types.js";
import type { Semantic } from "../../translator/semantics/builder.js";

export interface DecodedBlock {
  /** Physical address of the first byte. */
  readonly physical: number;
  /** One past the last byte (same page). */
  readonly physicalEnd: number;
  /** Decoded for 16-bit code (the cache keys blocks by it too). */
  readonly code16: boolean;
  readonly instructions: readonly Instruction[];
  /** The semantic function of each instruction (undefined: raises #UD). */
  readonly semantics: readonly (Semantic | undefined)[];
  /** Executions so far (heat for the translator's tiering). */
  executions: number;
  /** False once a write invalidated it (a running block checks this after each store). */
  valid: boolean;
  /** Its translation, once hot (null: translation failed, keep interpreting). */
  compiled?: CompiledCode | null;
  /** The bytes the translation covers (a region runs on through other blocks of the page). */
  compiledStart?: number;
  compiledEnd?: number;
  /** Those bytes exactly, as [start, end) pairs: a write between them leaves the translation alone. */
  compiledRanges?: readonly number[];
}

/** What the translator tier hands back for a region (src/translator-tier.ts). */
export interface CompiledCode {
  /** EIP it was compiled for (the same bytes reached at another EIP are interpreted). */
  readonly eip: number;
  /** The mode word it was compiled for (translator/backend/dispatcher.ts). */
  readonly mode: number;
  /** Its function's slot in the dispatcher's table. */
  readonly slot: number;
  /** False while it is being compiled in the background (the block is interpreted until then). */
  ready?: boolean;
}

export class DecodedBlockCache {
  private readonly blocks = new Map<number, DecodedBlock>();
  private readonly byPage = new Map<number, DecodedBlock[]>();

  constructor(
    /** Called the first time a page gets a block: the MMU must route writes to it through the slow path. */
    private readonly onFirstBlockInPage: (physicalPage: number) => void,
    private readonly onLastBlockInPage: (physicalPage: number) => void,
    /** Called once for each block dropped (invalidated or cleared): its translation must go too. */
    private readonly onDrop: (block: DecodedBlock) => void = () => {},
  ) {}

  static key(physical: number, code16: boolean): number {
    return physical * 2 + (code16 ? 1 : 0);
  }

  get(physical: number, code16: boolean): DecodedBlock | undefined {
    return this.blocks.get(DecodedBlockCache.key(physical, code16));
  }

  /**
   * Make writes to the [start, end) pairs of `ranges` reach `block` too (its translation covers those
   * bytes); `start` and `end` bound them.
   */
  cover(block: DecodedBlock, start: number, end: number, ranges: readonly number[] = [start, end]): void {
    block.compiledStart = start;
    block.compiledEnd = end;
    block.compiledRanges = ranges;
    for (let page = start >>> 12; page <= (end - 1) >>> 12; page++) {
      if (page !== block.physical >>> 12) this.attach(page, block);
    }
  }

  /** List `block` under `page`; the first block of a page makes its writes take the slow path. */
  private attach(page: number, block: DecodedBlock): void {
    let list = this.byPage.get(page);
    if (list === undefined) {
      list = [];
      this.byPage.set(page, list);
      this.onFirstBlockInPage(page);
    }
    list.push(block);
  }

  add(block: DecodedBlock, code16: boolean): void {
    this.blocks.set(DecodedBlockCache.key(block.physical, code16), block);
    this.attach(block.physical >>> 12, block);
  }

  /**
   * Drop every block overlapping [physical, physical + length); returns how many were dropped and
   * how many were patched in place. With `redecode` (the instruction at a physical address decoded
   * again), a block that no translation covers, whose written bytes lie inside one instruction that
   * decodes again to the same shape (opcode row, length, prefixes, ModRM: only immediates or the
   * displacement differ), keeps its place with that instruction replaced: a guest patching the
   * immediate of an instruction it runs again and again (a loop storing into its own ADD's imm32)
   * pays one instruction's decode per patch, not the block's and its cache entry's. Its heat starts
   * again, as a new block's would, so that code patched more often than it turns hot stays
   * interpreted.
   */
  invalidate(physical: number, length: number, redecode?: (physical: number, code16: boolean) => Instruction | null): { dropped: number; patched: number } {
    let dropped = 0;
    let patched = 0;
    const end = physical + length;
    for (let page = physical >>> 12; page <= (end - 1) >>> 12; page++) {
      const list = this.byPage.get(page);
      if (list === undefined) continue;
      // The blocks left listed, made only once one is dropped (most writes to a code page drop
      // nothing, or patch in place: a loop rewriting an immediate writes every iteration).
      let kept: DecodedBlock[] | null = null;
      for (let n = 0; n < list.length; n++) {
        const block = list[n]!;
        let drop = false;
        if (overlaps(block, physical, end)) {
          if (redecode !== undefined && patchInPlace(block, physical, end, redecode)) patched++;
          else drop = true;
        }
        if (!drop) {
          kept?.push(block);
          continue;
        }
        kept ??= list.slice(0, n);
        // A region covering several pages is listed under each; it is dropped once.
        if (block.valid) this.onDrop(block);
        block.valid = false;
        this.blocks.delete(DecodedBlockCache.key(block.physical, false));
        this.blocks.delete(DecodedBlockCache.key(block.physical, true));
        dropped++;
      }
      if (kept === null) continue;
      if (kept.length === 0) {
        this.byPage.delete(page);
        this.onLastBlockInPage(page);
      } else {
        this.byPage.set(page, kept);
      }
    }
    return { dropped, patched };
  }

  /** The blocks starting in a physical page, oldest first. */
  *inPage(page: number): Iterable<DecodedBlock> {
    for (const block of this.byPage.get(page) ?? []) if (block.physical >>> 12 === page && block.valid) yield block;
  }

  clear(): void {
    for (const page of this.byPage.keys()) this.onLastBlockInPage(page);
    for (const list of this.byPage.values()) {
      for (const block of list) {
        if (block.valid) this.onDrop(block);
        block.valid = false;
      }
    }
    for (const block of this.blocks.values()) block.valid = false;
    this.blocks.clear();
    this.byPage.clear();
  }

  get size(): number {
    return this.blocks.size;
  }
}

/** Whether a write to [start, end) touches the block's bytes or the bytes its translation covers. */
function overlaps(block: DecodedBlock, start: number, end: number): boolean {
  if (block.physical < end && block.physicalEnd > start) return true;
  const ranges = block.compiledRanges;
  if (ranges === undefined) return false;
  for (let n = 0; n < ranges.length; n += 2) if (ranges[n]! < end && ranges[n + 1]! > start) return true;
  return false;
}

/** The in-place update of `invalidate`: whether it applied. */
function patchInPlace(block: DecodedBlock, start: number, end: number, redecode: (physical: number, code16: boolean) => Instruction | null): boolean {
  if ((block.compiled !== undefined && block.compiled !== null) || block.compiledRanges !== undefined) return false;
  if (start < block.physical || end > block.physicalEnd) return false;
  const instructions = block.instructions as Instruction[];
  let at = block.physical;
  for (let n = 0; n < instructions.length; n++) {
    const old = instructions[n]!;
    if (start >= at && end <= at + old.length) {
      const fresh = redecode(at, block.code16);
      if (fresh === null || fresh.row !== old.row || fresh.length !== old.length || fresh.prefixes !== old.prefixes || fresh.modrm !== old.modrm || fresh.opcode !== old.opcode) return false;
      instructions[n] = fresh;
      block.executions = 0;
      return true;
    }
    if (start < at + old.length) return false; // the write spans two instructions
    at += old.length;
  }
  return false;
}
