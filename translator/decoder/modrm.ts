/**
 * ModRM memory operands in 16- and 32-bit addressing (SDM Vol.2 2.1.5, Tables 2-1 to 2-3).
 */

export interface MemoryOperand {
  /** Base register (32-bit register number), or -1. */
  readonly base: number;
  /** Index register, or -1. */
  readonly index: number;
  /** log2 of the scale. */
  readonly scale: number;
  readonly displacement: number;
  /** SS when the base is (E)BP or ESP, else DS (SDM Vol.1 3.7.5). */
  readonly defaultSegment: number;
  /** Position after the ModRM operand bytes. */
  readonly next: number;
}

const DS = 3;
const SS = 2;
const EBX = 3, EBP = 5, ESI = 6, EDI = 7, ESP = 4;

/** 16-bit r/m → [base, index]: BX+SI, BX+DI, BP+SI, BP+DI, SI, DI, BP, BX. */
const BASE16 = [EBX, EBX, EBP, EBP, ESI, EDI, EBP, EBX];
const INDEX16 = [ESI, EDI, ESI, EDI, -1, -1, -1, -1];

function readSigned(bytes: Uint8Array, pos: number, width: number): number {
  if (width === 1) return (bytes[pos]! << 24) >> 24;
  if (width === 2) return ((bytes[pos]! | (bytes[pos + 1]! << 8)) << 16) >> 16;
  return bytes[pos]! | (bytes[pos + 1]! << 8) | (bytes[pos + 2]! << 16) | (bytes[pos + 3]! << 24);
}

/**
 * Decode the memory operand of a ModRM byte whose mod is not 3; `pos` is just after the ModRM byte.
 * Returns undefined when the bytes run out before `limit`.
 */
export function decodeModRM(
  bytes: Uint8Array,
  pos: number,
  limit: number,
  modrm: number,
  addressSize: 16 | 32,
): MemoryOperand | undefined {
  const mod = modrm >> 6;
  const rm = modrm & 7;
  if (addressSize === 16) {
    if (mod === 0 && rm === 6) {
      if (pos + 2 > limit) return undefined;
      return { base: -1, index: -1, scale: 0, displacement: readSigned(bytes, pos, 2) & 0xffff, defaultSegment: DS, next: pos + 2 };
    }
    const width = mod === 0 ? 0 : mod === 1 ? 1 : 2;
    if (pos + width > limit) return undefined;
    const displacement = width === 0 ? 0 : readSigned(bytes, pos, width);
    const base = BASE16[rm]!;
    return {
      base,
      index: INDEX16[rm]!,
      scale: 0,
      displacement,
      defaultSegment: base === EBP ? SS : DS,
      next: pos + width,
    };
  }
  let base = rm;
  let index = -1;
  let scale = 0;
  if (rm === 4) {
    if (pos + 1 > limit) return undefined;
    const sib = bytes[pos++]!;
    scale = sib >> 6;
    index = (sib >> 3) & 7;
    if (index === ESP) index = -1;
    base = sib & 7;
    if (base === EBP && mod === 0) {
      if (pos + 4 > limit) return undefined;
      return { base: -1, index, scale, displacement: readSigned(bytes, pos, 4), defaultSegment: DS, next: pos + 4 };
    }
  } else if (rm === 5 && mod === 0) {
    if (pos + 4 > limit) return undefined;
    return { base: -1, index: -1, scale: 0, displacement: readSigned(bytes, pos, 4), defaultSegment: DS, next: pos + 4 };
  }
  const width = mod === 0 ? 0 : mod === 1 ? 1 : 4;
  if (pos + width > limit) return undefined;
  return {
    base,
    index,
    scale,
    displacement: width === 0 ? 0 : readSigned(bytes, pos, width),
    defaultSegment: base === EBP || base === ESP ? SS : DS,
    next: pos + width,
  };
}
