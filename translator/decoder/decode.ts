/**
 * The table-driven decoder: bytes → Instruction (translator/isa/types.ts), for 16- and 32-bit code.
 *
 * Prefixes may come in any order and repeat (SDM Vol.2 2.1.1): the last segment override and the last
 * of F2/F3 win, 66/67 toggle the default sizes. An instruction longer than 15 bytes, prefixes included,
 * is #GP(0) (SDM Vol.2 2.3.11).
 */
import {
  DecodeFailure,
  OperandKind,
  Prefix,
  type Instruction,
  type Operand,
} from "../isa/types.js";
import { OPCODE_MAPS, SizeCode, SpecKind, type CompiledRow } from "./tables.js";
import { decodeModRM, type MemoryOperand } from "./modrm.js";

export const MAX_INSTRUCTION_LENGTH = 15;

const SEGMENT_PREFIXES: Record<number, number> = { 0x26: 0, 0x2e: 1, 0x36: 2, 0x3e: 3, 0x64: 4, 0x65: 5 };
const DS = 3;

function operandBits(code: SizeCode, operandSize: 16 | 32): number {
  switch (code) {
    case SizeCode.Byte: return 8;
    case SizeCode.Word: return 16;
    case SizeCode.Dword: return 32;
    case SizeCode.Operand: return operandSize;
    case SizeCode.Pointer: return operandSize + 16;
    case SizeCode.Pair: return operandSize * 2;
    case SizeCode.Quad: return 64;
    case SizeCode.Descriptor: return 48;
    default: return 0;
  }
}

function operand(kind: OperandKind, size: number, reg = 0, value = 0, selector = 0): Operand {
  return { kind, size, reg, value, selector };
}

/**
 * Decode one instruction from bytes[start, end). Returns the Instruction, or why not: Truncated when
 * the bytes end before the instruction does (the caller may fetch more and retry).
 */
export function decode(bytes: Uint8Array, start: number, end: number, codeSize: 16 | 32): Instruction | DecodeFailure {
  let pos = start;
  let prefixes = 0;
  let segmentOverride = -1;
  let operandSize: 16 | 32 = codeSize;
  let addressSize: 16 | 32 = codeSize;
  const limit = Math.min(end, start + MAX_INSTRUCTION_LENGTH);

  // ---- prefixes ----
  for (;;) {
    if (pos >= limit) return end - start >= MAX_INSTRUCTION_LENGTH ? DecodeFailure.TooLong : DecodeFailure.Truncated;
    const b = bytes[pos]!;
    const seg = SEGMENT_PREFIXES[b];
    if (seg !== undefined) {
      segmentOverride = seg;
      prefixes |= Prefix.Segment;
    } else if (b === 0x66) {
      prefixes |= Prefix.OperandSize;
    } else if (b === 0x67) {
      prefixes |= Prefix.AddressSize;
    } else if (b === 0xf0) {
      prefixes |= Prefix.Lock;
    } else if (b === 0xf2) {
      prefixes = (prefixes & ~Prefix.Rep) | Prefix.Repne;
    } else if (b === 0xf3) {
      prefixes = (prefixes & ~Prefix.Repne) | Prefix.Rep;
    } else {
      break;
    }
    pos++;
  }
  if (prefixes & Prefix.OperandSize) operandSize = codeSize === 32 ? 16 : 32;
  if (prefixes & Prefix.AddressSize) addressSize = codeSize === 32 ? 16 : 32;

  // ---- opcode ----
  // Running out of bytes means Truncated, unless the 15-byte window itself was the limit.
  const outOfBytes = end - start >= MAX_INSTRUCTION_LENGTH ? DecodeFailure.TooLong : DecodeFailure.Truncated;
  const need = (n: number): DecodeFailure | 0 => (pos + n <= limit ? 0 : outOfBytes);
  let map = 0;
  let opcode = bytes[pos++]!;
  let opcodeNumber = opcode;
  if (opcode === 0x0f) {
    const failure = need(1);
    if (failure) return failure;
    opcode = bytes[pos++]!;
    map = 1;
    opcodeNumber = 0x0f00 | opcode;
    if (opcode === 0x38 || opcode === 0x3a) {
      const failure3 = need(1);
      if (failure3) return failure3;
      map = opcode === 0x38 ? 2 : 3;
      opcodeNumber = (opcode === 0x38 ? 0x0f3800 : 0x0f3a00) | bytes[pos]!;
      opcode = bytes[pos++]!;
    }
  }
  const entry = OPCODE_MAPS[map]![opcode];
  if (entry === undefined) return DecodeFailure.Invalid;

  // ---- ModRM and row selection ----
  let modrm = -1;
  let compiled: CompiledRow | undefined;
  if (entry.hasModrm) {
    const failure = need(1);
    if (failure) return failure;
    modrm = bytes[pos++]!;
    const mod = modrm >> 6;
    const reg = (modrm >> 3) & 7;
    for (const candidate of entry.rows) {
      if (candidate.digit >= 0 && candidate.digit !== reg) continue;
      if (candidate.modrmRestriction === "mem" && mod === 3) continue;
      if (candidate.modrmRestriction === "reg" && mod !== 3) continue;
      compiled = candidate;
      break;
    }
  } else {
    compiled = entry.rows[0];
  }
  if (compiled === undefined) return DecodeFailure.Invalid;

  let memory: MemoryOperand | undefined;
  if (modrm >= 0 && compiled.addressesMemory && modrm >> 6 !== 3) {
    const result = decodeModRM(bytes, pos, limit, modrm, addressSize);
    if (result === undefined) return outOfBytes;
    memory = result;
    pos = result.next;
  }

  // ---- operands and immediates ----
  const operands: Operand[] = [];
  let immediate = 0;
  let immediate2 = 0;
  let immediates = 0;
  let segment = segmentOverride >= 0 ? segmentOverride : DS;
  if (memory !== undefined && segmentOverride < 0) segment = memory.defaultSegment;
  let hasMemory = false;
  const reg = modrm >= 0 ? (modrm >> 3) & 7 : opcode & 7;
  const rm = modrm & 7;

  let failed: DecodeFailure | 0 = 0;
  const readImmediate = (bytesCount: number): number => {
    failed = need(bytesCount);
    if (failed) return 0;
    let value = 0;
    for (let k = 0; k < bytesCount; k++) value |= bytes[pos + k]! << (8 * k);
    pos += bytesCount;
    return value;
  };

  for (const spec of compiled.specs) {
    const size = operandBits(spec.size, operandSize);
    switch (spec.kind) {
      case SpecKind.E:
      case SpecKind.M:
        if (modrm >> 6 === 3) {
          if (spec.kind === SpecKind.M) return DecodeFailure.Invalid;
          operands.push(operand(OperandKind.Reg, size, rm));
        } else {
          operands.push(operand(OperandKind.Mem, size));
          hasMemory = true;
        }
        break;
      case SpecKind.G:
        operands.push(operand(OperandKind.Reg, size, reg));
        break;
      case SpecKind.R:
        operands.push(operand(OperandKind.Reg, 32, rm));
        break;
      case SpecKind.S:
        if (reg > 5) return DecodeFailure.Invalid;
        operands.push(operand(OperandKind.Seg, 16, reg));
        break;
      case SpecKind.C:
        operands.push(operand(OperandKind.Control, 32, reg));
        break;
      case SpecKind.D:
        operands.push(operand(OperandKind.Debug, 32, reg));
        break;
      case SpecKind.Z:
        operands.push(operand(OperandKind.Reg, size, opcode & 7));
        break;
      case SpecKind.FixedReg:
        operands.push(operand(OperandKind.Reg, size, spec.reg));
        break;
      case SpecKind.FixedSeg:
        operands.push(operand(OperandKind.Seg, 16, spec.reg));
        break;
      case SpecKind.One:
        operands.push(operand(OperandKind.Imm, 8, 0, 1));
        break;
      case SpecKind.X:
        operands.push(operand(OperandKind.StringSource, size));
        break;
      case SpecKind.Y:
        operands.push(operand(OperandKind.StringDestination, size));
        break;
      case SpecKind.I:
      case SpecKind.IS: {
        const width = spec.kind === SpecKind.IS ? 1 : size >> 3;
        const raw = readImmediate(width);
        if (failed) return failed;
        let value = raw;
        if (spec.kind === SpecKind.IS) {
          value = (value << 24) >> 24;
          if (size === 16) value &= 0xffff;
        } else if (width === 4) {
          value |= 0;
        }
        const kept = spec.kind === SpecKind.IS ? size : width * 8;
        operands.push(operand(OperandKind.Imm, kept, 0, value));
        if (immediates++ === 0) immediate = value;
        else immediate2 = value;
        break;
      }
      case SpecKind.J: {
        const width = spec.size === SizeCode.Byte ? 1 : operandSize >> 3;
        const raw = readImmediate(width);
        if (failed) return failed;
        const value = width === 1 ? (raw << 24) >> 24 : width === 2 ? (raw << 16) >> 16 : raw | 0;
        operands.push(operand(OperandKind.Rel, operandSize, 0, value));
        immediate = value;
        break;
      }
      case SpecKind.A: {
        const offset = readImmediate(operandSize >> 3);
        if (failed) return failed;
        const selector = readImmediate(2);
        if (failed) return failed;
        operands.push(operand(OperandKind.Far, operandSize, 0, offset >>> 0, selector));
        immediate = offset | 0;
        immediate2 = selector;
        break;
      }
      case SpecKind.O: {
        const address = readImmediate(addressSize >> 3);
        if (failed) return failed;
        memory = { base: -1, index: -1, scale: 0, displacement: address | 0, defaultSegment: DS, next: pos };
        operands.push(operand(OperandKind.Mem, size));
        hasMemory = true;
        break;
      }
    }
  }

  const length = pos - start;
  if (length > MAX_INSTRUCTION_LENGTH) return DecodeFailure.TooLong;

  if (prefixes & Prefix.Lock) {
    // LOCK is legal only on the listed read-modify-write instructions with a memory destination
    // (SDM Vol.2 LOCK); anything else is #UD.
    if (!compiled.row.lockable || operands[0]?.kind !== OperandKind.Mem) return DecodeFailure.BadLock;
  }

  const row = compiled.row;

  return {
    row,
    mnemonic: row.mnemonic,
    length,
    opcode: opcodeNumber,
    operandSize,
    addressSize,
    prefixes,
    segment,
    modrm,
    reg,
    hasMemory,
    base: memory?.base ?? -1,
    index: memory?.index ?? -1,
    scale: memory?.scale ?? 0,
    displacement: memory?.displacement ?? 0,
    immediate,
    immediate2,
    operands,
  };
}

