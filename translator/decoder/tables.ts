/**
 * Decoder lookup tables, generated once from the opcode table: for every opcode byte (one-byte map,
 * 0F map, 0F 38 and 0F 3A maps) the rows that may match, with their operand specifications parsed.
 */
import { OPCODES } from "../isa/opcodes.js";
import type { OpcodeRow } from "../isa/types.js";

/** How an operand is encoded (Intel Appendix A addressing methods, plus fixed registers). */
export const enum SpecKind {
  E, // ModRM r/m: register or memory
  G, // ModRM reg: general register
  M, // ModRM r/m: memory only
  R, // ModRM r/m: general register only (MOV CRn)
  S, // ModRM reg: segment register
  C, // ModRM reg: control register
  D, // ModRM reg: debug register
  I, // immediate
  IS, // immediate byte sign-extended to the operand size
  J, // relative displacement
  A, // far pointer immediate
  O, // moffs: memory at an immediate address
  Z, // register in the opcode's low three bits
  X, // string source DS:eSI
  Y, // string destination ES:eDI
  FixedReg, // AL, CL, DX, eAX, AX
  FixedSeg, // ES CS SS DS FS GS
  One, // the constant 1 (shift by one)
}

/** Size codes: a number of bits, or one that depends on the operand size. */
export const enum SizeCode {
  Byte = 1,
  Word = 2,
  Dword = 3,
  /** 16 or 32 by operand size (v, z). */
  Operand = 4,
  /** Far pointer: 32 or 48 by operand size (p). */
  Pointer = 5,
  /** Two operands: 32 or 64 (a, BOUND). */
  Pair = 6,
  Quad = 7,
  /** Pseudo-descriptor: 48 (s). */
  Descriptor = 8,
  /** Size not modelled (x87/SIMD decoded for length only). */
  Unknown = 9,
}

export interface OperandSpec {
  readonly kind: SpecKind;
  readonly size: SizeCode;
  /** Fixed register number (FixedReg/FixedSeg). */
  readonly reg: number;
}

export interface CompiledRow {
  readonly row: OpcodeRow;
  readonly specs: readonly OperandSpec[];
  readonly hasModrm: boolean;
  /** ModRM.reg value the row requires (/digit), or -1. */
  readonly digit: number;
  /** "mem": mod != 3 only; "reg": mod == 3 only. */
  readonly modrmRestriction: "mem" | "reg" | undefined;
  /** True if some operand is addressed by ModRM.r/m as memory-capable (E or M): parse SIB/displacement. */
  readonly addressesMemory: boolean;
}

const SIZE_LETTERS: Record<string, SizeCode> = {
  b: SizeCode.Byte, w: SizeCode.Word, d: SizeCode.Dword, v: SizeCode.Operand, z: SizeCode.Operand,
  p: SizeCode.Pointer, a: SizeCode.Pair, q: SizeCode.Quad, s: SizeCode.Descriptor, x: SizeCode.Unknown,
};
const KIND_LETTERS: Record<string, SpecKind> = {
  E: SpecKind.E, G: SpecKind.G, M: SpecKind.M, R: SpecKind.R, S: SpecKind.S, C: SpecKind.C, D: SpecKind.D,
  I: SpecKind.I, J: SpecKind.J, A: SpecKind.A, O: SpecKind.O, Z: SpecKind.Z, X: SpecKind.X, Y: SpecKind.Y,
};
const FIXED: Record<string, OperandSpec> = {
  AL: { kind: SpecKind.FixedReg, size: SizeCode.Byte, reg: 0 },
  CL: { kind: SpecKind.FixedReg, size: SizeCode.Byte, reg: 1 },
  DX: { kind: SpecKind.FixedReg, size: SizeCode.Word, reg: 2 },
  AX: { kind: SpecKind.FixedReg, size: SizeCode.Word, reg: 0 },
  eAX: { kind: SpecKind.FixedReg, size: SizeCode.Operand, reg: 0 },
  ES: { kind: SpecKind.FixedSeg, size: SizeCode.Word, reg: 0 },
  CS: { kind: SpecKind.FixedSeg, size: SizeCode.Word, reg: 1 },
  SS: { kind: SpecKind.FixedSeg, size: SizeCode.Word, reg: 2 },
  DS: { kind: SpecKind.FixedSeg, size: SizeCode.Word, reg: 3 },
  FS: { kind: SpecKind.FixedSeg, size: SizeCode.Word, reg: 4 },
  GS: { kind: SpecKind.FixedSeg, size: SizeCode.Word, reg: 5 },
  "1": { kind: SpecKind.One, size: SizeCode.Byte, reg: 0 },
};

export function parseOperandSpec(text: string): OperandSpec {
  const fixed = FIXED[text];
  if (fixed) return fixed;
  if (text === "Ibs") return { kind: SpecKind.IS, size: SizeCode.Operand, reg: 0 };
  if (text === "M") return { kind: SpecKind.M, size: SizeCode.Unknown, reg: 0 };
  const kind = KIND_LETTERS[text[0]!];
  const size = SIZE_LETTERS[text.slice(1)];
  if (kind === undefined || size === undefined) throw new Error(`opcode table: unknown operand '${text}'`);
  // Iv (B8+r) is Iz in 16/32-bit modes.
  return { kind, size, reg: 0 };
}

function compile(row: OpcodeRow): CompiledRow {
  const specs = row.operands === "" ? [] : row.operands.split(",").map(parseOperandSpec);
  const digitMatch = /\/([0-7])/.exec(row.opcode);
  const hasModrm = /\/[0-7r]/.test(row.opcode);
  const addressesMemory = specs.some((s) => s.kind === SpecKind.E || s.kind === SpecKind.M);
  const memoryOnly = specs.some((s) => s.kind === SpecKind.M);
  return {
    row,
    specs,
    hasModrm,
    digit: digitMatch ? Number(digitMatch[1]) : -1,
    modrmRestriction: row.modrm ?? (memoryOnly ? "mem" : undefined),
    addressesMemory,
  };
}

export interface OpcodeEntry {
  readonly rows: CompiledRow[];
  readonly hasModrm: boolean;
}

function emptyMap(): (OpcodeEntry | undefined)[] {
  return new Array(256).fill(undefined);
}

/** Maps: 0 = one-byte, 1 = 0F, 2 = 0F 38, 3 = 0F 3A. */
export const OPCODE_MAPS: (OpcodeEntry | undefined)[][] = [emptyMap(), emptyMap(), emptyMap(), emptyMap()];

function place(map: number, byte: number, compiled: CompiledRow): void {
  const existing = OPCODE_MAPS[map]![byte];
  if (existing === undefined) {
    OPCODE_MAPS[map]![byte] = { rows: [compiled], hasModrm: compiled.hasModrm };
  } else {
    if (existing.hasModrm !== compiled.hasModrm) {
      throw new Error(`opcode table: rows for ${compiled.row.opcode} disagree on ModRM`);
    }
    existing.rows.push(compiled);
  }
}

for (const row of OPCODES) {
  const compiled = compile(row);
  const parts = row.opcode.split(/\s+/);
  let map = 0;
  let index = 0;
  if (parts[0] === "0F") {
    map = 1;
    index = 1;
    if (parts[1] === "38" || parts[1] === "3A") {
      map = parts[1] === "38" ? 2 : 3;
      index = 2;
    }
  }
  const token = parts[index]!;
  if (token === "xx") {
    for (let byte = 0; byte < 256; byte++) place(map, byte, compiled);
  } else if (token.endsWith("+r")) {
    const first = parseInt(token.slice(0, -2), 16);
    for (let r = 0; r < 8; r++) place(map, first + r, compiled);
  } else {
    place(map, parseInt(token, 16), compiled);
  }
}
