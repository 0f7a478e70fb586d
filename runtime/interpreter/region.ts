/**
 * Region formation for the translator: which decoded blocks of one page are compiled together into
 * one function. Starting at a hot block, the region takes in every block of the same page that
 * control can reach from it and that has already run (it is in the decoded-block cache): both ways
 * of a conditional branch, the targets of direct JMPs and CALLs, the return site after a CALL (a RET
 * comes back there), and, when the region holds an indirect JMP or CALL (a switch through a jump
 * table, a function pointer), the other blocks of the page that have run. Branches between its
 * instructions stay inside the compiled function (translator/backend/compile-block.ts), so a loop
 * nest, a recursive function or a bytecode dispatch loop runs without returning to the dispatcher.
 *
 * Then, in a second pass, the paths of the page that have not run yet but that this code reaches
 * directly (decoded for the region, up to as many instructions again), laid out after the code that
 * has run; a path that does not decode leaves the region. Blocks are found depth first, chained by
 * fall-through, and the chains laid out in reverse postorder (inLoopOrder) with the fall-through
 * successor next where possible.
 */
import type { Instruction } from "../../translator/isa/types.js";
import { semanticKey } from "../../translator/isa/opcodes.js";
import { CONDITIONAL_BRANCHES, isIndirectJump, nextPointer, relativeTarget } from "../../translator/isa/control-flow.js";
import type { Semantic } from "../../translator/semantics/builder.js";
import type { DecodedBlock, DecodedBlockCache } from "./decoded-block-cache.js";

export interface Region {
  readonly instructions: Instruction[];
  readonly semantics: (Semantic | undefined)[];
  /** The EIP of each instruction (blocks are not contiguous in the region). */
  readonly eips: number[];
  /** The physical address of each instruction. */
  readonly physicals: number[];
  /** Physical range covering every byte of its instructions (within one page). */
  readonly physicalStart: number;
  readonly physicalEnd: number;
  /** The physical byte ranges of its blocks, as [start, end) pairs: writes elsewhere leave it alone. */
  readonly ranges: number[];
}

/** Longest region compiled as one function. */
export const MAX_REGION_INSTRUCTIONS = 512;

/**
 * Where control goes after the last instruction of a block, as EIPs inside or outside the page:
 * `fallThrough` when it may continue at the next instruction, `others` for branch and call targets,
 * `returnSite` after a CALL.
 */
function successors(last: Instruction, eip: number, code16: boolean): { fallThrough?: number; others: number[]; returnSite?: number } {
  const key = semanticKey(last.row);
  const next = nextPointer(last, eip, code16);
  const target = relativeTarget(last, eip, code16);
  if (CONDITIONAL_BRANCHES.has(key)) return { fallThrough: next, others: target === undefined ? [] : [target] };
  if (key === "JMP") return { others: target === undefined ? [] : [target] };
  if (key === "CALL") return { others: target === undefined ? [] : [target], returnSite: next };
  // A block cut by its length limit goes on; instructions that end blocks otherwise (far transfers,
  // mode changes, VMM callouts) end the region's path there.
  if (!last.row.endsBlock && !last.row.callout) return { fallThrough: next, others: [] };
  return { others: [] };
}

export interface RegionSources {
  /** Blocks to leave out (code the guest keeps patching): control leaves the region there. */
  excluded?: (block: DecodedBlock) => boolean;
  /**
   * Decodes the block at a physical address of the page that has not run yet (undefined where it
   * cannot be taken). Without it, only blocks that have run are taken.
   */
  unrun?: (physical: number) => DecodedBlock | undefined;
  maxInstructions?: number;
}

export function formRegion(
  blocks: DecodedBlockCache,
  first: DecodedBlock,
  eip: number,
  code16: boolean,
  csBase: number,
  sources: RegionSources = {},
): Region {
  const excluded = sources.excluded ?? (() => false);
  /** Instructions the region may hold (lowered for the second pass). */
  let limit = sources.maxInstructions ?? MAX_REGION_INSTRUCTIONS;
  const page = (csBase + eip) >>> 12;
  const pagePhysical = first.physical & ~0xfff;
  const instructions: Instruction[] = [];
  const semantics: (Semantic | undefined)[] = [];
  const eips: number[] = [];
  const physicals: number[] = [];
  const ranges: number[] = [];
  const placed = new Set<number>();
  let physicalStart = first.physical;
  let physicalEnd = first.physicalEnd;
  let indirect = false;

  /** Branch targets in the page whose blocks have not run (taken in a second pass, see below). */
  const unrunTargets: number[] = [];
  /** Chains placed before the second pass (code that has run). */
  let hotChains = Number.POSITIVE_INFINITY;
  /** In the second pass, blocks that have not run are decoded and taken too. */
  let speculating = false;
  /** The block at `target` if it is in this page and not in the region yet. */
  const blockAt = (target: number): DecodedBlock | undefined => {
    if (((csBase + target) >>> 12) !== page || placed.has(target)) return undefined;
    const physical = pagePhysical | ((csBase + target) & 0xfff);
    let block = blocks.get(physical, code16);
    if (block === undefined && speculating) block = sources.unrun?.(physical);
    if (block === undefined) unrunTargets.push(target);
    if (block === undefined || !block.valid || block.instructions.length === 0 || block.compiled === null || excluded(block)) return undefined;
    return block;
  };

  /** Where each chain of blocks joined by fall-through starts in `instructions` (see inLoopOrder). */
  const chainStarts: number[] = [];
  /** Lay out `block` at `at` and then, depth first, what follows it. */
  const place = (block: DecodedBlock, at: number, pending: number[]): void => {
    if (!placed.has(at)) chainStarts.push(instructions.length);
    let current: DecodedBlock | undefined = block;
    let pointer = at;
    while (current !== undefined && instructions.length < limit) {
      let last: Instruction | undefined;
      let lastEip = pointer;
      const start = current.physical;
      let end = start;
      for (let n = 0; n < current.instructions.length; n++) {
        // An instruction the region holds already (the block runs into another one): branch there.
        if (placed.has(pointer) || instructions.length >= limit) break;
        const instruction = current.instructions[n]!;
        placed.add(pointer);
        instructions.push(instruction);
        semantics.push(current.semantics[n]);
        eips.push(pointer);
        physicals.push(end);
        last = instruction;
        lastEip = pointer;
        end += instruction.length;
        pointer = nextPointer(instruction, pointer, code16);
      }
      if (last === undefined) return;
      ranges.push(start, end);
      physicalStart = Math.min(physicalStart, start);
      physicalEnd = Math.max(physicalEnd, end);
      // The block was cut short (it runs into placed code, or the region is full): nothing follows here.
      if (last !== current.instructions[current.instructions.length - 1]) return;
      if (isIndirectJump(last)) indirect = true;
      const next = successors(last, lastEip, code16);
      for (let k = next.others.length - 1; k >= 0; k--) pending.push(next.others[k]!);
      if (next.returnSite !== undefined) pending.push(next.returnSite);
      current = next.fallThrough === undefined ? undefined : blockAt(next.fallThrough);
      pointer = next.fallThrough ?? pointer;
    }
  };

  const pending: number[] = [];
  place(first, eip, pending);
  const drain = () => {
    while (pending.length > 0 && instructions.length < limit) {
      const target = pending.pop()!;
      const block = blockAt(target);
      if (block !== undefined) place(block, target, pending);
    }
  };
  drain();
  if (indirect) {
    // Indirect transfers may go to any block of the page that has run: take those in too.
    for (const block of blocks.inPage(pagePhysical >>> 12)) {
      if (instructions.length >= limit) break;
      const target = code16 ? (eip + block.physical - first.physical) & 0xffff : (eip + block.physical - first.physical) | 0;
      if (code16 && eip + block.physical - first.physical !== target) continue; // not reachable at this CS base
      if (block.executions === 0 || blocks.get(block.physical, code16) !== block) continue;
      pending.push(target);
      drain();
    }
  }
  if (sources.unrun !== undefined) {
    // Paths that have not run yet but that the code reaches directly (the other way of a branch that
    // has always gone one way so far, code after a CALL that has not returned yet): taken in too,
    // up to as many instructions again as have run. A region that leaves them out is compiled again
    // when one of them turns hot (fib compiled its page four times, 963 instructions for 266),
    // and each new module starts over in the engine's baseline tier.
    speculating = true;
    hotChains = chainStarts.length;
    limit = Math.min(limit, 2 * instructions.length);
    pending.push(...unrunTargets.splice(0).reverse());
    drain();
  }
  const order = inLoopOrder(instructions, eips, chainStarts, code16, Math.min(hotChains, chainStarts.length));
  const permute = <T>(list: T[]): T[] => order.flatMap(([from, to]) => list.slice(from, to));
  return { instructions: permute(instructions), semantics: permute(semantics), eips: permute(eips), physicals: permute(physicals), physicalStart, physicalEnd, ranges };
}

/**
 * The chains of blocks (runs joined by fall-through) in reverse postorder of their control flow:
 * every edge that does not close a loop then points forward in the layout, and the compiled
 * function takes it with a plain `br` (a backward one goes through the region's loop header and its
 * bound check). A bytecode dispatch loop — cases jumping back to a fetch block that jumps to the
 * dispatch — becomes one backward edge per round instead of three. The root is the chain of the
 * block that turned hot: choosing it by the interpreter's execution counts instead (the chain
 * leaving the fewest executions on backward edges) measured no better on matmul, fib and quicksort
 * and 20% slower on the bytecode interpreter. The fall-through successor is visited last so that
 * it comes right after its chain where it can. Returns [start, end) index ranges of `instructions`
 * in their new order.
 */
function inLoopOrder(
  instructions: readonly Instruction[],
  eips: readonly number[],
  chainStarts: readonly number[],
  code16: boolean,
  /** Chains from this one on hold code that has not run yet (laid out after the others). */
  hotChains = chainStarts.length,
): [number, number][] {
  const chains = chainStarts.map((start, n) => [start, chainStarts[n + 1] ?? instructions.length] as [number, number]);
  const chainOf = new Map<number, number>();
  chains.forEach(([start, end], chain) => {
    for (let n = start; n < end; n++) chainOf.set(eips[n]!, chain);
  });
  /** Per chain: the EIPs it branches to (every chain's start for an indirect JMP/CALL) and its fall-through. */
  const edges = chains.map(([start, end]) => {
    const targets: number[] = [];
    let fallThrough: number | undefined;
    for (let n = start; n < end; n++) {
      const instruction = instructions[n]!;
      if (isIndirectJump(instruction)) targets.push(...chains.map(([first]) => eips[first]!).filter((eip) => eip !== undefined));
      const next = successors(instruction, eips[n]!, code16);
      targets.push(...next.others);
      if (next.returnSite !== undefined) targets.push(next.returnSite);
      if (n === end - 1) fallThrough = next.fallThrough;
    }
    if (fallThrough !== undefined) targets.push(fallThrough);
    return { targets: targets.filter((eip) => chainOf.has(eip)), fallThrough };
  });
  const visited = new Set<number>();
  /** Reverse postorder of the chains reached from `root` through chains below `bound`. */
  const reversePostorder = (root: number, bound: number): number[] => {
    const postorder: number[] = [];
    const visit = (chain: number): void => {
      visited.add(chain);
      const { targets, fallThrough } = edges[chain]!;
      let last = fallThrough === undefined ? undefined : chainOf.get(fallThrough);
      if (last !== undefined && last >= bound) last = undefined;
      for (const eip of targets) {
        const next = chainOf.get(eip)!;
        if (next !== last && next < bound && !visited.has(next)) visit(next);
      }
      if (last !== undefined && !visited.has(last)) visit(last);
      postorder.push(chain);
    };
    visit(root);
    return postorder.reverse();
  };
  // Code that has run first, then the paths taken in before they ran, after all of it: branches
  // into them are forward, and they do not push the hot chains apart.
  const order = reversePostorder(0, hotChains);
  for (let n = 0; n < hotChains; n++) if (!visited.has(n)) order.push(n);
  for (let n = hotChains; n < chains.length; n++) if (!visited.has(n)) order.push(...reversePostorder(n, chains.length));
  return order.map((n) => chains[n]!);
}
