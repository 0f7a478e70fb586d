/**
 * Types of the one opcode table (translator/isa/opcodes.ts) and of the decoded instruction it yields.
 *
 * A row is written in the Intel SDM's notation (Vol.2 Appendix A): the opcode column ("0F AF /r",
 * "80 /0 ib", "B8+rd id") and the operand column ("Gv,Ev"). The decoder, the disassembler, the random
 * test generator, the flag-liveness pass and the conformance checker's undefined-flag masks are all
 * derived from these rows; nothing else lists opcodes.
 */

/** Arithmetic flag letters used in rows: O S Z A P C (and D, I, T for the control flags). */
export type FlagLetters = string;

export interface OpcodeRow {
  /** Intel opcode notation: hex bytes, then optional "/digit" or "/r", "+rb/+rw/+rd", "ib iw id cb cw cd cp". */
  readonly opcode: string;
  /** Mnemonic in upper case, as the SDM and disassemblers spell it. */
  readonly mnemonic: string;
  /** Key of the semantic function (translator/semantics) when it differs from the mnemonic (MOV_TO_SREG). */
  readonly semantic?: string;
  /**
   * Operands in Intel's appendix-A notation, comma separated: Eb Ev Ew Ed Gb Gv Gw Gd Ib Iw Iz Ibs
   * (imm8 sign-extended to operand size) Jb Jz Sw M Mp Mq Ma Ob Ov Ap Rd Cd Dd Zb Zv (register in
   * the opcode's low bits) Xb Xv Yb Yv (string operands) and fixed registers AL CL DX AX eAX 1.
   */
  readonly operands: string;
  /** Arithmetic flags the instruction writes, e.g. "OSZAPC". */
  readonly flagsWritten?: FlagLetters;
  /** Of the written flags, those the SDM leaves undefined, e.g. "A" for AND. */
  readonly flagsUndefined?: FlagLetters;
  /** Flags the instruction reads (CF for ADC, the condition's flags for Jcc). */
  readonly flagsRead?: FlagLetters;
  /** Control leaves the straight line (jumps, calls, returns, interrupts, mode changes). */
  readonly endsBlock?: boolean;
  /** Handled by a VMM callout (runtime/callouts): privileged or sensitive. */
  readonly callout?: boolean;
  /** Accepts a LOCK prefix (with a memory destination); otherwise LOCK is #UD. */
  readonly lockable?: boolean;
  /** Which prefixes are meaningful: REP / REPE / REPNE for string instructions. */
  readonly rep?: "rep" | "repcc";
  /** Instruction class for conformance reports ("alu", "shift", "string", ...). */
  readonly class: InstructionClass;
  /** Only valid with a memory (mod != 3) or only with a register (mod == 3) ModRM operand. */
  readonly modrm?: "mem" | "reg";
  /** Decoded for length and disassembly, but executing it raises #UD (x87 until the FPU lands). */
  readonly unimplemented?: boolean;
}

export type InstructionClass =
  | "alu"
  | "shift"
  | "multiply"
  | "divide"
  | "bit"
  | "move"
  | "convert"
  | "stack"
  | "string"
  | "bcd"
  | "flags"
  | "control"
  | "interrupt"
  | "segment"
  | "system"
  | "io"
  | "x87"
  | "simd"
  | "misc";

export const enum OperandKind {
  /** A general register; `reg` is 0..7 (for 8-bit: AL CL DL BL AH CH DH BH). */
  Reg = 0,
  /** The instruction's memory operand (ModRM or moffs): see Instruction.base/index/scale/disp. */
  Mem = 1,
  /** An immediate, already sign- or zero-extended to 32 bits as the row prescribes. */
  Imm = 2,
  /** A segment register 0..5 (ES CS SS DS FS GS). */
  Seg = 3,
  /** A control register CRn. */
  Control = 4,
  /** A debug register DRn. */
  Debug = 5,
  /** A relative branch displacement, sign-extended (added to the next instruction's EIP). */
  Rel = 6,
  /** A far pointer immediate (JMP/CALL ptr16:16/32): `value` is the offset, `selector` the segment. */
  Far = 7,
  /** String source DS:[eSI] (segment overridable). */
  StringSource = 8,
  /** String destination ES:[eDI]. */
  StringDestination = 9,
}

export interface Operand {
  readonly kind: OperandKind;
  /** Operand size in bits: 8, 16, 32 (or 48/64 for Mp/Mq, pointer and quad memory operands). */
  readonly size: number;
  /** Register number for Reg/Seg/Control/Debug. */
  readonly reg: number;
  /** Immediate or displacement value (Imm, Rel, Far offset). */
  readonly value: number;
  /** Far pointer selector. */
  readonly selector: number;
}

export const enum Prefix {
  None = 0,
  Lock = 1,
  Rep = 2,
  Repne = 4,
  OperandSize = 8,
  AddressSize = 16,
  Segment = 32,
}

/** A decoded instruction: every field the semantics need, named. */
export interface Instruction {
  readonly row: OpcodeRow;
  readonly mnemonic: string;
  /** Encoded length in bytes (1..15). */
  readonly length: number;
  /** Opcode: one byte, or 0x0F00 | second byte, or 0x0F3800/0x0F3A00 | third byte. */
  readonly opcode: number;
  readonly operandSize: 16 | 32;
  readonly addressSize: 16 | 32;
  /** Bit set of Prefix values seen. */
  readonly prefixes: number;
  /** Segment of the memory operand: the override if any, else DS or SS by the base register. */
  readonly segment: number;
  /** ModRM byte, or -1. */
  readonly modrm: number;
  /** ModRM.reg (or the register encoded in the opcode's low 3 bits for +r forms). */
  readonly reg: number;
  /** True if the instruction has a memory operand. */
  readonly hasMemory: boolean;
  /** Base register of the memory operand (-1: none). In 16-bit addressing, see base16/index16. */
  readonly base: number;
  /** Index register (-1: none). */
  readonly index: number;
  /** log2 of the SIB scale. */
  readonly scale: number;
  /** Displacement, sign-extended to 32 bits (or the moffs address). */
  readonly displacement: number;
  /** First immediate (see Operand.value for the operand view), second immediate (ENTER's imm8). */
  readonly immediate: number;
  readonly immediate2: number;
  readonly operands: readonly Operand[];
}

/** What a decode produced when the bytes are not a valid instruction. */
export const enum DecodeFailure {
  /** Undefined opcode: #UD. */
  Invalid = 1,
  /** More than 15 bytes: #GP(0). */
  TooLong = 2,
  /** The bytes ran out (end of the provided buffer) before the instruction did. */
  Truncated = 3,
  /** LOCK on an instruction that does not accept it: #UD. */
  BadLock = 4,
}
