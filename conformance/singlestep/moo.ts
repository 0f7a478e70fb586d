/**
 * Reader for SingleStepTests MOO files (a chunked binary format: 4-byte ASCII tag, u32 little-endian
 * length, payload). A file is a "MOO " header (version, test count, CPU name) followed by TEST chunks;
 * each TEST holds NAME, BYTS, INIT and FINA (each with REGS and RAM), optional EXCP, CYCL and HASH.
 * REGS is a u16 bitmask of present registers followed by their u16 values in the order below.
 */
import { gunzipSync } from "node:zlib";

export const MOO_REGISTERS_286 = ["ax", "bx", "cx", "dx", "cs", "ss", "ds", "es", "sp", "bp", "si", "di", "ip", "flags"] as const;
export type MooRegister = (typeof MOO_REGISTERS_286)[number];

export interface MooState {
  regs: Partial<Record<MooRegister, number>>;
  ram: [address: number, value: number][];
}

export interface MooTest {
  index: number;
  name: string;
  bytes: number[];
  initial: MooState;
  final: MooState;
  exception?: { number: number; flagAddress: number };
  hash: string;
}

export interface MooFile {
  version: number;
  cpu: string;
  tests: MooTest[];
}

interface Chunk {
  tag: string;
  start: number;
  end: number;
}

function* chunks(data: Uint8Array, start: number, end: number): Generator<Chunk> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = start;
  while (at + 8 <= end) {
    const tag = String.fromCharCode(data[at]!, data[at + 1]!, data[at + 2]!, data[at + 3]!);
    const length = view.getUint32(at + 4, true);
    const payload = at + 8;
    if (payload + length > end) throw new Error(`MOO: chunk ${tag} at ${at} overruns its container`);
    yield { tag, start: payload, end: payload + length };
    at = payload + length;
  }
}

function readState(data: Uint8Array, view: DataView, chunk: Chunk): MooState {
  const state: MooState = { regs: {}, ram: [] };
  for (const inner of chunks(data, chunk.start, chunk.end)) {
    if (inner.tag === "REGS") {
      const mask = view.getUint16(inner.start, true);
      let at = inner.start + 2;
      MOO_REGISTERS_286.forEach((name, bit) => {
        if (mask & (1 << bit)) {
          state.regs[name] = view.getUint16(at, true);
          at += 2;
        }
      });
    } else if (inner.tag === "RAM ") {
      const count = view.getUint32(inner.start, true);
      for (let k = 0; k < count; k++) {
        const at = inner.start + 4 + k * 5;
        state.ram.push([view.getUint32(at, true), data[at + 4]!]);
      }
    }
  }
  return state;
}

export function parseMoo(compressedOrRaw: Uint8Array): MooFile {
  const data = compressedOrRaw[0] === 0x1f && compressedOrRaw[1] === 0x8b ? gunzipSync(compressedOrRaw) : compressedOrRaw;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const file: MooFile = { version: 0, cpu: "", tests: [] };
  for (const chunk of chunks(data, 0, data.length)) {
    if (chunk.tag === "MOO ") {
      file.version = view.getUint32(chunk.start, true);
      if (chunk.end - chunk.start >= 12) file.cpu = String.fromCharCode(...data.subarray(chunk.start + 8, chunk.start + 12)).trim();
    } else if (chunk.tag === "TEST") {
      const test: MooTest = { index: view.getUint32(chunk.start, true), name: "", bytes: [], initial: { regs: {}, ram: [] }, final: { regs: {}, ram: [] }, hash: "" };
      for (const inner of chunks(data, chunk.start + 4, chunk.end)) {
        switch (inner.tag) {
          case "NAME": {
            const length = view.getUint32(inner.start, true);
            test.name = Buffer.from(data.subarray(inner.start + 4, inner.start + 4 + length)).toString("latin1");
            break;
          }
          case "BYTS": {
            const length = view.getUint32(inner.start, true);
            test.bytes = Array.from(data.subarray(inner.start + 4, inner.start + 4 + length));
            break;
          }
          case "INIT": test.initial = readState(data, view, inner); break;
          case "FINA": test.final = readState(data, view, inner); break;
          case "EXCP": test.exception = { number: data[inner.start]!, flagAddress: view.getUint32(inner.start + 1, true) }; break;
          case "HASH": test.hash = Buffer.from(data.subarray(inner.start, inner.end)).toString("hex"); break;
        }
      }
      file.tests.push(test);
    }
  }
  return file;
}
