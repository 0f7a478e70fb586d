/**
 * Compiles a decoded basic block to a WebAssembly module with Binaryen (no optimiser: V8's tiers do
 * that work, see ../shared notes on binaryen costs) and instantiates it against the machine's one
 * linear memory and the runtime imports. One module per block in this first version.
 */
import binaryen from "binaryen";
import { OperandKind, type Instruction } from "../isa/types.js";
import { semanticKey } from "../isa/opcodes.js";
import type { Semantic, Size } from "../semantics/builder.js";
import { BlockExit, HELPER_NAMES, WasmBuilder } from "./wasm-builder.js";
import { createFlagFunctions } from "./flags-module.js";
import type { Cpu } from "../../runtime/cpu.js";
import type { ImmediateBuilder } from "../../runtime/interpreter/immediate-builder.js";
import { HELPER_IMPLEMENTATIONS, type HelperFunction } from "../../runtime/helpers/index.js";
import { CpuFault } from "../../runtime/exceptions/fault.js";
import { State } from "../../runtime/state/layout.js";

export interface BlockMode {
  code16: boolean;
  stack16: boolean;
  protectedMode: boolean;
  cpl: number;
  /** DS, ES and SS are flat writable data segments (translator/backend/dispatcher.ts ModeBit.FlatData). */
  flatData?: boolean;
}

export interface CompiledBlock {
  readonly run: () => number;
  /** EIP the block was compiled for (aliases at other EIPs are interpreted). */
  readonly eip: number;
  readonly mode: BlockMode;
  readonly wasmBytes: number;
}

const FEATURES = binaryen.Features.MVP | binaryen.Features.SignExt | binaryen.Features.MutableGlobals | binaryen.Features.BulkMemory;

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
    at = code16 ? (at + instruction.length) & 0xffff : (at + instruction.length) | 0;
  }
  return eips;
}

/** Branches that may fall through: the region can continue after them at an instruction it holds. */
const CONDITIONAL = new Set(["JCC", "LOOP", "LOOPE", "LOOPNE", "JCXZ"]);

function fallThroughPointer(instructions: readonly Instruction[], eips: readonly number[], code16: boolean): number | undefined {
  const last = instructions.length - 1;
  if (last < 0 || !CONDITIONAL.has(semanticKey(instructions[last]!.row))) return undefined;
  return code16 ? (eips[last]! + instructions[last]!.length) & 0xffff : (eips[last]! + instructions[last]!.length) | 0;
}

function fallsThroughInside(instructions: readonly Instruction[], eips: readonly number[], entries: Map<number, number>, code16: boolean): boolean {
  const next = fallThroughPointer(instructions, eips, code16);
  return next !== undefined && entries.has(next);
}

/**
 * The region's entry points, EIP → instruction index: its first instruction, every instruction that
 * a relative branch in the region targets, and the one its last conditional branch falls through
 * to when the region holds it (all those branches stay inside the compiled function).
 */
function entryPoints(instructions: readonly Instruction[], eips: readonly number[], code16: boolean): Map<number, number> {
  const indexOf = new Map(eips.map((at, n) => [at, n]));
  const entries = new Map([[eips[0]!, 0]]);
  instructions.forEach((instruction, n) => {
    const operand = instruction.operands[0];
    if (operand?.kind !== OperandKind.Rel) return;
    const next = code16 ? (eips[n]! + instruction.length) & 0xffff : (eips[n]! + instruction.length) | 0;
    const target = instruction.operandSize === 16 ? (next + operand.value) & 0xffff : (next + operand.value) | 0;
    const index = indexOf.get(target);
    if (index !== undefined && !entries.has(target)) entries.set(target, index);
  });
  const next = fallThroughPointer(instructions, eips, code16);
  const index = next === undefined ? undefined : indexOf.get(next);
  if (next !== undefined && index !== undefined && !entries.has(next)) entries.set(next, index);
  return entries;
}

/** Build the module of one block; returns its binary (and its text when asked, for golden tests). */
export function emitBlockModule(
  instructions: readonly Instruction[],
  semantics: readonly (Semantic | undefined)[],
  eip: number,
  mode: BlockMode,
  options: { text?: boolean; validate?: boolean; eips?: readonly number[] } = {},
): { bytes: Uint8Array; text?: string } {
  const m = new binaryen.Module();
  try {
    m.setFeatures(FEATURES);
    m.addMemoryImport("0", "env", "memory");
    for (const [name, params, result] of IMPORT_SIGNATURES) {
      m.addFunctionImport(name, "env", name, binaryen.createType(params), result);
    }
    const builder = new WasmBuilder(m, mode.code16, mode.stack16, mode.protectedMode, mode.cpl, mode.flatData ?? false);
    // Each instruction's EIP: given for a region that follows jumps, else laid out from `eip`.
    const eips = options.eips ?? instructionPointers(instructions, eip, mode.code16);
    if (eips.length !== instructions.length || eips[0] !== eip) throw new Error("region EIPs do not match its instructions");
    const entries = entryPoints(instructions, eips, mode.code16);
    builder.enableLoop(entries);
    instructions.forEach((instruction, n) => {
      builder.beginInstruction(instruction, eips[n]!, n);
      const semantic = semantics[n];
      if (semantic === undefined) builder.raise(6);
      else semantic(builder, instruction);
    });
    builder.finish(fallsThroughInside(instructions, eips, entries, mode.code16));
    const region = builder.regionBody();
    const body = m.block(null, [...builder.prologue(), region, m.return(m.i32.const(BlockExit.Continue))], binaryen.none);
    m.addFunction("run", binaryen.none, binaryen.i32, builder.locals, body);
    m.addFunctionExport("run", "run");
    if (options.validate && !m.validate()) throw new Error("translator emitted an invalid module");
    return { bytes: m.emitBinary(), text: options.text ? m.emitText() : undefined };
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
  const { bytes } = emitBlockModule(instructions, semantics, eip, mode, { eips });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { env: imports as WebAssembly.ModuleImports });
  return { run: instance.exports.run as () => number, eip, mode, wasmBytes: bytes.length };
}
