/**
 * Engine hints for compiled regions, added to the emitted binary (binaryen.js has no API for them):
 *
 * - Branch hints (the WebAssembly branch-hinting proposal: a custom section
 *   `metadata.code.branch_hint` before the code section, one entry per hinted `br_if`/`if`, by byte
 *   offset from the start of its function's body). Every `br_if` of a region is a branch to a slow
 *   path (a memory access that missed the shadow TLB, the end of a scan), hinted unlikely, so that
 *   the engine can keep the fast path's values in registers and move the slow paths out of line.
 * - Optionally, compilation hints (V8's `compilationHints` section, behind
 *   `--experimental-wasm-compilation-hints`: one byte per defined function, strategy in bits 0-1,
 *   baseline tier in bits 2-3, top tier in bits 4-5): "eager, optimizing tier only", for modules
 *   that a background thread compiles. The main thread then receives optimized code at once instead
 *   of running the baseline tier until the engine's tier-up (fib spent ~60 ms there, no on-stack
 *   replacement in wasm). An engine without the flag ignores the section.
 */

/** Reads the binary; every read advances `at`. */
class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    return this.bytes[this.at++]!;
  }
  unsigned(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  signed(): void {
    while (this.byte() & 0x80);
  }
}

function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
  return out;
}

const BLOCK_TYPE_SINGLE = new Set([0x40, 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);

/**
 * Offsets (from the start of the body) of the `br_if` instructions in one function body, decoding
 * the instruction set Binaryen emits for regions (MVP, sign extension, bulk memory).
 */
function branchIfOffsets(r: Reader, end: number): number[] {
  const start = r.at;
  const offsets: number[] = [];
  for (let groups = r.unsigned(); groups > 0; groups--) {
    r.unsigned();
    r.byte();
  }
  while (r.at < end) {
    const at = r.at - start;
    const op = r.byte();
    if (op === 0x02 || op === 0x03 || op === 0x04) {
      if (BLOCK_TYPE_SINGLE.has(r.bytes[r.at]!)) r.byte();
      else r.signed();
    } else if (op === 0x0c || op === 0x10 || (op >= 0x20 && op <= 0x24)) r.unsigned();
    else if (op === 0x0d) {
      offsets.push(at);
      r.unsigned();
    } else if (op === 0x0e) {
      for (let n = r.unsigned() + 1; n > 0; n--) r.unsigned();
    } else if (op === 0x11) {
      r.unsigned();
      r.unsigned();
    } else if (op === 0x1c) {
      for (let n = r.unsigned(); n > 0; n--) r.byte();
    } else if (op >= 0x28 && op <= 0x3e) {
      r.unsigned();
      r.unsigned();
    } else if (op === 0x3f || op === 0x40) r.byte();
    else if (op === 0x41 || op === 0x42) r.signed();
    else if (op === 0x43) r.at += 4;
    else if (op === 0x44) r.at += 8;
    else if (op === 0xfc) {
      const sub = r.unsigned();
      if (sub === 10) r.at += 2; // memory.copy: two memory indices
      else if (sub === 11) r.at += 1; // memory.fill: one memory index
      else if (sub > 7) throw new Error(`branch hints: unexpected 0xfc ${sub}`);
    } else if (!(op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b || (op >= 0x45 && op <= 0xc4))) {
      throw new Error(`branch hints: unexpected opcode 0x${op.toString(16)}`);
    }
  }
  return offsets;
}

/** Compilation hint byte: eager (2), baseline tier optimized (2 << 2), top tier optimized (2 << 4). */
const EAGER_OPTIMIZED = 2 | (2 << 2) | (2 << 4);

function customSection(name: string, payload: readonly number[]): number[] {
  const encoded = [...new TextEncoder().encode(name)];
  const content = [...unsignedLeb(encoded.length), ...encoded, ...payload];
  return [0, ...unsignedLeb(content.length), ...content];
}

/**
 * `bytes` with every `br_if` of its defined functions hinted unlikely, and, with
 * `optimizeEagerly`, every defined function hinted for eager compilation by the optimizing tier.
 */
export function withUnlikelyBranchHints(bytes: Uint8Array, optimizeEagerly = false): Uint8Array {
  const r = new Reader(bytes);
  r.at = 8;
  let importedFunctions = 0;
  let codeSection = -1;
  const hints: number[] = [];
  let hintedFunctions = 0;
  let definedFunctions = 0;
  while (r.at < bytes.length) {
    const sectionStart = r.at;
    const id = r.byte();
    const size = r.unsigned();
    const contentStart = r.at;
    if (id === 2) {
      for (let n = r.unsigned(); n > 0; n--) {
        for (const _name of ["module", "field"]) {
          const length = r.unsigned();
          r.at += length;
        }
        const kind = r.byte();
        if (kind === 0) (r.unsigned(), importedFunctions++);
        else if (kind === 1) (r.byte(), r.byte() & 1 ? (r.unsigned(), r.unsigned()) : r.unsigned());
        else if (kind === 2) r.byte() & 1 ? (r.unsigned(), r.unsigned()) : r.unsigned();
        else if (kind === 3) (r.byte(), r.byte());
        else throw new Error(`branch hints: unexpected import kind ${kind}`);
      }
    } else if (id === 10) {
      codeSection = sectionStart;
      const count = r.unsigned();
      definedFunctions = count;
      for (let n = 0; n < count; n++) {
        const bodySize = r.unsigned();
        const bodyEnd = r.at + bodySize;
        const offsets = branchIfOffsets(r, bodyEnd);
        r.at = bodyEnd;
        if (offsets.length === 0) continue;
        hintedFunctions++;
        hints.push(...unsignedLeb(importedFunctions + n), ...unsignedLeb(offsets.length));
        for (const offset of offsets) hints.push(...unsignedLeb(offset), 1, 0);
      }
    }
    r.at = contentStart + size;
  }
  const section: number[] = [];
  if (hintedFunctions > 0) section.push(...customSection("metadata.code.branch_hint", [...unsignedLeb(hintedFunctions), ...hints]));
  if (optimizeEagerly && definedFunctions > 0) {
    section.push(...customSection("compilationHints", [...unsignedLeb(definedFunctions), ...new Array<number>(definedFunctions).fill(EAGER_OPTIMIZED)]));
  }
  if (codeSection < 0 || section.length === 0) return bytes;
  const out = new Uint8Array(bytes.length + section.length);
  out.set(bytes.subarray(0, codeSection), 0);
  out.set(section, codeSection);
  out.set(bytes.subarray(codeSection), codeSection + section.length);
  return out;
}
