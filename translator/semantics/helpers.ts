/**
 * Names of the runtime helpers that semantics may call (`b.helper(name, ...args)`).
 *
 * A helper is written once in TypeScript (runtime/helpers/) and reached directly by the interpreter and
 * through one import by compiled code. Helpers carry what is too large or too rare to inline: VMM
 * callouts for privileged and sensitive instructions, descriptor loads, far transfers, interrupts,
 * string loops. `endsBlock` helpers may change CS/EIP/mode; compiled code exits to the runtime after them.
 */
export interface HelperInfo {
  /** Number of 32-bit arguments. */
  readonly arity: number;
  /** The helper can change CS, EIP, CPL, paging or the mode (compiled code must leave after it). */
  readonly endsBlock?: boolean;
  /** Returns 1 when the instruction must run again (a REP whose step budget ran out), else 0. */
  readonly repeats?: boolean;
}

export const HELPERS = {
  // -- lazy flags (semantics/flags.ts): materialise pending flags when generated code cannot --
  materializeFlags: { arity: 0 },

  // -- string instructions (runtime/helpers/string.ts): args (size, addressSize, segment, repPrefix) --
  movs: { arity: 4, repeats: true },
  stos: { arity: 4, repeats: true },
  lods: { arity: 4, repeats: true },
  cmps: { arity: 4, repeats: true },
  scas: { arity: 4, repeats: true },
  ins: { arity: 4, repeats: true },
  outs: { arity: 4, repeats: true },

  // -- control transfers and interrupts (runtime/helpers/control.ts) --
  farJump: { arity: 3, endsBlock: true },
  farCall: { arity: 4, endsBlock: true },
  farReturn: { arity: 2, endsBlock: true },
  interruptReturn: { arity: 1, endsBlock: true },
  softwareInterrupt: { arity: 2, endsBlock: true },

  // -- segments and descriptors (runtime/helpers/segments.ts) --
  loadSegment: { arity: 2, endsBlock: true },
  lar: { arity: 3 },
  lsl: { arity: 3 },
  verr: { arity: 1 },
  verw: { arity: 1 },

  // -- VMM callouts for privileged and sensitive instructions (runtime/helpers/callouts.ts) --
  /** #GP(0) unless CPL 0: privileged instructions check this before touching their operands. */
  requirePrivilege: { arity: 0 },
  cpuid: { arity: 0 },
  rdtsc: { arity: 0 },
  rdmsr: { arity: 0 },
  wrmsr: { arity: 0 },
  portIn: { arity: 2 },
  portOut: { arity: 3 },
  cli: { arity: 0 },
  sti: { arity: 0, endsBlock: true },
  hlt: { arity: 0, endsBlock: true },
  writeControlRegister: { arity: 2, endsBlock: true },
  readControlRegister: { arity: 1 },
  writeDebugRegister: { arity: 2 },
  readDebugRegister: { arity: 1 },
  clts: { arity: 0 },
  lmsw: { arity: 1, endsBlock: true },
  smsw: { arity: 0 },
  lgdt: { arity: 3 },
  lidt: { arity: 3 },
  sgdt: { arity: 3 },
  sidt: { arity: 3 },
  lldt: { arity: 1 },
  sldt: { arity: 0 },
  ltr: { arity: 1 },
  str: { arity: 0 },
  invlpg: { arity: 2, endsBlock: true },
  wbinvd: { arity: 0 },
  writeEflags: { arity: 2, endsBlock: true },
} as const satisfies Record<string, HelperInfo>;

export type HelperName = keyof typeof HELPERS;
