/**
 * Lockstep: the translator against the interpreter on the same guest. Two machines boot the same
 * image; the translated one runs one unit at a time (a compiled region, through the dispatcher, or
 * one interpreted instruction), the interpreted one then runs exactly as many instructions, and the
 * full architectural state is compared: registers, EIP, EFLAGS, segment registers (hidden parts
 * too), descriptor-table registers, control registers, CPL, the halted flag and the serial output,
 * with all of guest RAM compared every `memoryEvery` units and at the end.
 */
import { Machine, type RunResult } from "../src/machine.js";
import { enableTranslator, type TranslatorOptions } from "../src/translator-tier.js";
import { State } from "../runtime/state/layout.js";

export interface LockstepOptions {
  /** Setup of each machine (load the guest); called for both. */
  load(machine: Machine): void;
  ramSize?: number;
  translator?: TranslatorOptions;
  /** Stop after this many instructions (the guest may exit earlier). */
  maxInstructions?: number;
  /** Compare guest RAM every this many units (and always at the end). */
  memoryEvery?: number;
  /** Called now and then with the instructions run so far. */
  progress?: (instructions: number) => void;
}

export interface LockstepReport {
  instructions: number;
  units: number;
  /** Units that ran compiled code (the rest were single interpreted instructions). */
  compiledUnits: number;
  reason: RunResult["reason"];
  /** Empty when the machines agreed throughout; else the first divergence. */
  differences: string[];
  /** Where it diverged: instructions completed before the unit that diverged, and that unit's start EIP. */
  divergedAt?: { instructions: number; eip: number };
}

const REGISTERS = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
const SEGMENTS = ["es", "cs", "ss", "ds", "fs", "gs", "ldtr", "tr"];
const SYSTEM_FIELDS = ["gdtrBase", "gdtrLimit", "idtrBase", "idtrLimit", "cr0", "cr2", "cr3", "cr4", "cpl", "halted", "interruptShadow", "instructionCount"] as const;
/** Names of the values architecturalState fills in, in order. */
export const STATE_NAMES: readonly string[] = [
  ...REGISTERS,
  "eip",
  "eflags",
  ...SEGMENTS.flatMap((name) => ["selector", "base", "limit", "access"].map((field) => `${name}.${field}`)),
  ...SYSTEM_FIELDS,
];

/** The architectural state of a machine (EFLAGS materialised from the lazy record), in STATE_NAMES order. */
export function architecturalState(machine: Machine, into = new Uint32Array(STATE_NAMES.length)): Uint32Array {
  const cpu = machine.cpu;
  let at = 0;
  for (let n = 0; n < 8; n++) into[at++] = cpu.reg32(n);
  into[at++] = cpu.eip;
  into[at++] = machine.interpreter.builder.getEflags();
  for (let n = 0; n < SEGMENTS.length; n++) {
    const base = State.segments + n * 16;
    into[at++] = cpu.field(base) & 0xffff;
    into[at++] = cpu.field(base + 4);
    into[at++] = cpu.field(base + 8);
    into[at++] = cpu.field(base + 12);
  }
  for (const name of SYSTEM_FIELDS) into[at++] = cpu.field(State[name]);
  return into;
}

function compareStates(a: Uint32Array, b: Uint32Array): string[] {
  const differences: string[] = [];
  for (let n = 0; n < a.length; n++) {
    if (a[n] !== b[n]) differences.push(`${STATE_NAMES[n]}: interpreter ${a[n]!.toString(16)}, translator ${b[n]!.toString(16)}`);
  }
  return differences;
}

function compareMemory(a: Machine, b: Machine): string[] {
  const ramA = a.cpu.readPhysicalBytes(0, a.cpu.ramSize);
  const ramB = b.cpu.readPhysicalBytes(0, b.cpu.ramSize);
  if (Buffer.compare(ramA, ramB) === 0) return [];
  let at = 0;
  while (ramA[at] === ramB[at]) at++;
  return [`memory: first difference at physical ${at.toString(16)}: interpreter ${ramA[at]!.toString(16)}, translator ${ramB[at]!.toString(16)}`];
}

export async function runLockstep(options: LockstepOptions): Promise<LockstepReport> {
  const ramSize = options.ramSize ?? 128 << 20;
  const interpreted = new Machine({ ramSize });
  const translated = new Machine({ ramSize });
  await enableTranslator(translated, options.translator);
  options.load(interpreted);
  options.load(translated);
  const max = options.maxInstructions ?? Number.POSITIVE_INFINITY;
  const memoryEvery = options.memoryEvery ?? 50_000;
  const report: LockstepReport = { instructions: 0, units: 0, compiledUnits: 0, reason: "budget", differences: [] };
  let lastProgress = 0;
  const stateA = new Uint32Array(STATE_NAMES.length);
  const stateB = new Uint32Array(STATE_NAMES.length);
  while (report.instructions < max) {
    const eip = translated.cpu.eip >>> 0;
    const compiledBefore = translated.interpreter.statistics.compiledInstructions;
    // A budget of one: one compiled region (however many instructions it retires) or one instruction.
    const result = translated.run({ maxInstructions: 1 });
    const reference = interpreted.run({ maxInstructions: result.instructions });
    report.units++;
    if (translated.interpreter.statistics.compiledInstructions !== compiledBefore) report.compiledUnits++;
    const differences = compareStates(architecturalState(interpreted, stateA), architecturalState(translated, stateB));
    if (reference.instructions !== result.instructions) differences.unshift(`instructions: interpreter ${reference.instructions}, translator ${result.instructions}`);
    if (reference.reason !== result.reason) differences.unshift(`stopped: interpreter '${reference.reason}', translator '${result.reason}'`);
    const finished = result.reason !== "budget";
    const serialA = interpreted.serialOutput;
    const serialB = translated.serialOutput;
    if (serialA.length !== serialB.length || ((finished || report.units % memoryEvery === 0) && serialA.some((byte, n) => byte !== serialB[n]))) {
      differences.push("serial output differs");
    }
    if (differences.length === 0 && (finished || report.units % memoryEvery === 0)) differences.push(...compareMemory(interpreted, translated));
    if (differences.length > 0) {
      report.differences = differences;
      report.divergedAt = { instructions: report.instructions, eip };
      report.reason = result.reason;
      return report;
    }
    report.instructions += result.instructions;
    if (finished) {
      report.reason = result.reason;
      return report;
    }
    if (options.progress && report.instructions - lastProgress >= 10_000_000) {
      lastProgress = report.instructions;
      options.progress(report.instructions);
    }
  }
  report.differences = compareMemory(interpreted, translated);
  return report;
}
