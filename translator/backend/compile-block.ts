/**
 * Compiles a decoded basic block to a WebAssembly module with Binaryen (no optimiser: V8's tiers do
 * that work, see ../shared notes on binaryen costs) and instantiates it against the machine's one
 * linear memory and the runtime imports. One module per block in this first version.
 */
import binaryen from "binaryen";
import type { Instruction } from "../isa/types.js";
import { semanticKey } from "../isa/opcodes.js";
import type { Semantic, Size } from "../semantics/builder.js";
import { BlockExit, HELPER_NAMES, WasmBuilder } from "./wasm-builder.js";
import { createFlagFunctions } from "./flags-module.js";
import type { Cpu } from "../../runtime/cpu.js";
import type { ImmediateBuilder } from "../../runtime/interpreter/immediate-builder.js";
import { entryFlagKeeps, flagsOverwrittenAfter } from "./flag-liveness.js";
import { withUnlikelyBranchHints } from "./branch-hints.js";
import { loopAccessSites, loopSegments } from "./loop-pages.js";
import { HELPER_IMPLEMENTATIONS, type HelperFunction } from "../../runtime/helpers/index.js";
import { CpuFault } from "../../runtime/exceptions/fault.js";
import { State } from "../../runtime/state/layout.js";
import { decode } from "../decoder/decode.js";
import { SEMANTICS } from "../semantics/index.js";
import { UNCONDITIONAL_NEAR, isIndirectJump, nextPointer, relativeTarget } from "../isa/control-flow.js";

export interface BlockMode {
  code16: boolean;
  stack16: boolean;
  protectedMode: boolean;
  cpl: number;
  /** DS, ES and SS are flat writable data segments (translator/backend/dispatcher.ts ModeBit.FlatData). */
  flatData?: boolean;
}

export interface CompiledBlock {
  /** Runs the region from its first instruction. */
  readonly run: () => number;
  /** Runs it from each of its entry points, by EIP (a block that is an entry shares the region). */
  readonly entries: ReadonlyMap<number, () => number>;
  /** EIP the block was compiled for (aliases at other EIPs are interpreted). */
  readonly eip: number;
  readonly mode: BlockMode;
  readonly wasmBytes: number;
}

const FEATURES = binaryen.Features.MVP | binaryen.Features.SignExt | binaryen.Features.MutableGlobals | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt;

/** The runtime imports of compiled code, bound to one CPU (through the interpreter's builder). */
export function runtimeImports(cpu: Cpu, b: ImmediateBuilder): Record<string, unknown> {
  // Write imports answer whether the store changed translated code (the block must then leave).
  const changed = () => cpu.field(State.codeChanged);
  const flags = createFlagFunctions(cpu.memory);
  const helpers = HELPER_NAMES.map((name) => (HELPER_IMPLEMENTATIONS as Record<string, HelperFunction>)[name]!);
  return {
    memory: cpu.memory,
    read8: (seg: number, offset: number, forWrite: number) => b.load(8, seg, offset, forWrite !== 0),
    read16: (seg: number, offset: number, forWrite: number) => b.load(16, seg, offset, forWrite !== 0),
    read32: (seg: number, offset: number, forWrite: number) => b.load(32, seg, offset, forWrite !== 0),
    write8: (seg: number, offset: number, value: number) => (b.store(8, seg, offset, value), changed()),
    write16: (seg: number, offset: number, value: number) => (b.store(16, seg, offset, value), changed()),
    write32: (seg: number, offset: number, value: number) => (b.store(32, seg, offset, value), changed()),
    probeWrite: (seg: number, offset: number, bytes: number) => b.probeWrite(seg, offset, bytes),
    // The lazy-flag functions run in wasm (flags-module.ts): regions call them at every entry.
    keepFlags: flags.keepFlags,
    getFlag: flags.getFlag,
    condition: flags.condition,
    getEflags: () => b.getEflags(),
    raise: (vector: number, errorCode: number) => {
      throw new CpuFault(vector, errorCode);
    },
    divide: (hi: number, lo: number, divisor: number, size: number, signed: number) => {
      const [q, r] = b.divWide(hi, lo, divisor, size as Size, signed !== 0);
      cpu.setField(State.scratch, q);
      cpu.setField(State.scratch + 4, r);
    },
    helper: (index: number, a: number, c: number, d: number, e: number) => helpers[index]!(cpu, a, c, d, e) | 0,
  };
}

const i32 = binaryen.i32;
const IMPORT_SIGNATURES: [string, number[], number][] = [
  ["read8", [i32, i32, i32], i32],
  ["read16", [i32, i32, i32], i32],
  ["read32", [i32, i32, i32], i32],
  ["write8", [i32, i32, i32], i32],
  ["write16", [i32, i32, i32], i32],
  ["write32", [i32, i32, i32], i32],
  ["probeWrite", [i32, i32, i32], binaryen.none],
  ["keepFlags", [i32], binaryen.none],
  ["getFlag", [i32], i32],
  ["condition", [i32], i32],
  ["getEflags", [], i32],
  ["raise", [i32, i32], binaryen.none],
  ["divide", [i32, i32, i32, i32, i32], binaryen.none],
  ["helper", [i32, i32, i32, i32, i32], i32],
];

/** The EIP of each instruction of a region laid out from `eip`. */
function instructionPointers(instructions: readonly Instruction[], eip: number, code16: boolean): number[] {
  const eips: number[] = [];
  let at = eip;
  for (const instruction of instructions) {
    eips.push(at);
    at = nextPointer(instruction, at, code16);
  }
  return eips;
}

/**
 * The shape of a region's control flow: which instructions end a block of it (the next instruction in
 * the region is not the next one in memory, or there is none) and where control may go from there.
 */
interface RegionFlow {
  /** Entry points, EIP → instruction index (index 0 first). */
  entries: Map<number, number>;
  /** Instruction index → EIP it continues at when it falls through at the end of its block. */
  continuations: Map<number, number>;
  /** Entries a RET may come back to (the instruction after a CALL of the region). */
  returnSites: number[];
  /** Entries an indirect JMP or CALL may reach (every block start, when the region has one). */
  indirectTargets: number[];
}

/**
 * The region's entry points: its first instruction, the first instruction of each of its decoded
 * blocks, and every instruction that a branch of the region targets (relative branches, block ends
 * falling through out of layout order, the return sites of its CALLs). Transfers to them stay
 * inside the compiled function; RET is compared with the return sites, an indirect JMP or CALL
 * with the block starts.
 */
function regionFlow(instructions: readonly Instruction[], eips: readonly number[], code16: boolean): RegionFlow {
  const indexOf = new Map(eips.map((at, n) => [at, n]));
  const entries = new Map([[eips[0]!, 0]]);
  const continuations = new Map<number, number>();
  const returnSites: number[] = [];
  const blockStarts: number[] = [eips[0]!];
  let indirect = false;
  const enter = (target: number | undefined): boolean => {
    const index = target === undefined ? undefined : indexOf.get(target);
    if (index === undefined) return false;
    if (!entries.has(target!)) entries.set(target!, index);
    return true;
  };
  instructions.forEach((instruction, n) => {
    const key = semanticKey(instruction.row);
    const next = nextPointer(instruction, eips[n]!, code16);
    enter(relativeTarget(instruction, eips[n]!, code16));
    if (key === "CALL" && enter(next) && !returnSites.includes(next)) returnSites.push(next);
    if (isIndirectJump(instruction)) indirect = true;
    if (n + 1 < instructions.length && eips[n + 1] === next) {
      // Every decoded block of the region is an entry point: a block the region holds that turns hot
      // in the interpreter (reached from outside) enters this function instead of compiling again.
      if (instruction.row.endsBlock || instruction.row.callout) enter(next);
      return;
    }
    // The end of a block: unless it is an unconditional near transfer, control may go on at `next`.
    if (n + 1 < instructions.length) blockStarts.push(eips[n + 1]!);
    if (!UNCONDITIONAL_NEAR.has(key)) {
      continuations.set(n, next);
      enter(next);
    }
  });
  const indirectTargets = indirect ? blockStarts.filter((eip) => enter(eip)) : [];
  return { entries, continuations, returnSites, indirectTargets };
}

/** The EIPs of a region's entry points in the order of its `entry<n>` exports (emitBlockModule). */
export function regionEntries(instructions: readonly Instruction[], eips: readonly number[], code16: boolean): number[] {
  return [...regionFlow(instructions, eips, code16).entries].sort((a, b) => a[1] - b[1]).map(([at]) => at);
}

/**
 * Where control goes after instruction `n` when that is only to entry points of the region (by
 * index): the continuation of a block end (none when it leaves the region), a direct JMP's target,
 * an indirect JMP's candidates; undefined for anything else (conditional branches, calls, returns,
 * the next instruction of the same block).
 */
function regionSuccessors(flow: RegionFlow, instruction: Instruction, eip: number, n: number, code16: boolean): number[] | undefined {
  const indexOf = (at: number | undefined) => (at === undefined ? undefined : flow.entries.get(at));
  const continuation = flow.continuations.get(n);
  // A block end falling through out of the region leaves it: nothing after it to walk into.
  if (continuation !== undefined) {
    const index = indexOf(continuation);
    return index === undefined ? [] : [index];
  }
  if (semanticKey(instruction.row) !== "JMP") return undefined;
  if (isIndirectJump(instruction)) return flow.indirectTargets.map((at) => flow.entries.get(at)!);
  const index = indexOf(relativeTarget(instruction, eip, code16));
  return index === undefined ? undefined : [index];
}

/** Build the module of one block; returns its binary (and its text when asked, for golden tests). */
export function emitBlockModule(
  instructions: readonly Instruction[],
  semantics: readonly (Semantic | undefined)[],
  eip: number,
  mode: BlockMode,
  options: {
    text?: boolean;
    validate?: boolean;
    eips?: readonly number[];
    /** Hint the engine to compile every function with its optimizing tier at once (branch-hints.ts). */
    optimizeEagerly?: boolean;
  } = {},
): { bytes: Uint8Array; text?: string; entries: number[] } {
  const m = new binaryen.Module();
  try {
    m.setFeatures(FEATURES);
    m.addMemoryImport("0", "env", "memory");
    for (const [name, params, result] of IMPORT_SIGNATURES) {
      m.addFunctionImport(name, "env", name, binaryen.createType(params), result);
    }
    const builder = new WasmBuilder(m, mode.code16, mode.stack16, mode.protectedMode, mode.cpl, mode.flatData ?? false, 2);
    // Each instruction's EIP: given for a region that follows jumps, else laid out from `eip`.
    const eips = options.eips ?? instructionPointers(instructions, eip, mode.code16);
    if (eips.length !== instructions.length || eips[0] !== eip) throw new Error("region EIPs do not match its instructions");
    const flow = regionFlow(instructions, eips, mode.code16);
    builder.enableLoop(flow.entries, flow.returnSites, flow.indirectTargets);
    const loops = loopSegments(instructions, eips, flow.entries.values(), mode.code16);
    builder.setLoopSegments(loops, loopAccessSites(instructions, flow.entries.values(), loops));
    const overwritten = flagsOverwrittenAfter(instructions, (n) => flow.continuations.has(n));
    builder.setFlagLiveness(overwritten, entryFlagKeeps(instructions, flow.entries.values(), overwritten, (n) => regionSuccessors(flow, instructions[n]!, eips[n]!, n, mode.code16)));
    instructions.forEach((instruction, n) => {
      builder.beginInstruction(instruction, eips[n]!, n);
      const semantic = semantics[n];
      if (semantic === undefined) builder.raise(6);
      else semantic(builder, instruction);
      builder.endInstruction();
      // A block end that falls through: to its next instruction inside the region, or out of it.
      const next = flow.continuations.get(n);
      if (next !== undefined) builder.jump({ constant: next });
    });
    const region = builder.regionBody();
    const body = m.block(null, [...builder.prologue(), region, m.return(m.i32.const(BlockExit.Continue))], binaryen.none);
    m.addFunction("region", binaryen.createType([binaryen.i32, binaryen.i32]), binaryen.i32, builder.locals, body);
    // One exported function per entry point (what the dispatcher's table holds): it enters the region
    // there, with the retired count starting so that the entry's instruction counts as the first.
    [...flow.entries.values()].sort((a, b) => a - b).forEach((index, ordinal) => {
      m.addFunction(`entry${ordinal}`, binaryen.none, binaryen.i32, [], m.call("region", [m.i32.const(ordinal), m.i32.const(-index)], binaryen.i32));
      m.addFunctionExport(`entry${ordinal}`, `entry${ordinal}`);
    });
    if (options.validate && !m.validate()) throw new Error("translator emitted an invalid module");
    // Entry EIPs in ordinal order (export `entry<n>` enters at entries[n]).
    const entries = [...flow.entries].sort((a, b) => a[1] - b[1]).map(([at]) => at);
    // Slow paths hinted unlikely (branch-hints.ts): an engine without branch hinting skips the section.
    return { bytes: withUnlikelyBranchHints(m.emitBinary(), options.optimizeEagerly), text: options.text ? m.emitText() : undefined, entries };
  } finally {
    m.dispose();
  }
}

export function compileBlock(
  imports: Record<string, unknown>,
  instructions: readonly Instruction[],
  semantics: readonly (Semantic | undefined)[],
  eip: number,
  mode: BlockMode,
  eips?: readonly number[],
): CompiledBlock {
  const { bytes, entries } = emitBlockModule(instructions, semantics, eip, mode, { eips });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { env: imports as WebAssembly.ModuleImports });
  const entryFunctions = new Map(entries.map((at, ordinal) => [at, instance.exports[`entry${ordinal}`] as () => number]));
  return { run: entryFunctions.get(eip)!, entries: entryFunctions, eip, mode, wasmBytes: bytes.length };
}

/**
 * V8 compiles Binaryen's own (large) wasm lazily, function by function: the first module built costs
 * ~20 ms more than the next ones. Building one throwaway module here moves that one-time cost to
 * load time instead of the latency of the first hot region (and of the run's compile share).
 */
let warmedUp = false;
export function warmUpEmitter(): void {
  if (warmedUp) return;
  warmedUp = true;
  // add eax, [ebx+8]; cmp eax, ecx; jb $+2 — a load, flags and a fused branch exercise the usual paths.
  const bytes = Uint8Array.from([0x03, 0x43, 0x08, 0x39, 0xc8, 0x72, 0x00]);
  const instructions = [];
  for (let at = 0; at < bytes.length; ) {
    const instruction = decode(bytes, at, bytes.length, 32);
    if (typeof instruction === "number") throw new Error("warm-up snippet does not decode");
    instructions.push(instruction);
    at += instruction.length;
  }
  emitBlockModule(instructions, instructions.map((i) => SEMANTICS[semanticKey(i.row)]), 0x1000, { code16: false, stack16: false, protectedMode: true, cpl: 0 });
}
