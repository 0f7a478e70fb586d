/**
 * Decoder agreement with iced-x86 (a reference decoder, devDependency): the same length and the same
 * mnemonic for every byte sequence both decode. iced decodes every later ISA extension too (VEX, AVX,
 * SSE3+…); where it decodes an instruction that is not part of the i686 integer/x87/MMX/SSE-era maps
 * and we say "invalid", the case is counted as out of scope, by iced's CPUID feature, never hidden.
 */
import { createRequire } from "node:module";
import { decode } from "../translator/decoder/decode.js";
import type { Instruction } from "../translator/isa/types.js";
import { OPCODES } from "../translator/isa/opcodes.js";

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const iced = require("iced-x86") as any;

/** iced CPUID features of the P6 integer ISA: an instruction needing only these must decode. */
const P6_FEATURES = new Set(["INTEL8086", "INTEL8086_ONLY", "INTEL186", "INTEL286", "INTEL386", "INTEL486", "CPUID", "CX8", "CMOV", "MSR", "TSC", "SEP", "FPU", "FPU287", "FPU387", "PAUSE", "MULTIBYTENOP"]);

const ALIASES: Record<string, string[]> = {
  CBW: ["cbw", "cwde"], CWD: ["cwd", "cdq"], PUSHA: ["pusha", "pushad"], POPA: ["popa", "popad"],
  PUSHF: ["pushf", "pushfd"], POPF: ["popf", "popfd"], IRET: ["iret", "iretd"], JCXZ: ["jcxz", "jecxz"],
  CALLF: ["call"], JMPF: ["jmp"], XLAT: ["xlatb"], NOP: ["nop", "pause", "prefetchnta", "prefetcht0", "prefetcht1", "prefetcht2", "prefetchw", "prefetch", "reservednop"],
  SAL: ["sal", "shl"], UD0: ["ud0"], WAIT: ["wait"], INT1: ["int1"], MOVS: ["movsb", "movsw", "movsd"],
  CMPS: ["cmpsb", "cmpsw", "cmpsd"], STOS: ["stosb", "stosw", "stosd"], LODS: ["lodsb", "lodsw", "lodsd"],
  SCAS: ["scasb", "scasw", "scasd"], INS: ["insb", "insw", "insd"], OUTS: ["outsb", "outsw", "outsd"],
  LOOPNE: ["loopne"], LOOPE: ["loope"], RETF: ["retf"], BSWAP: ["bswap"],
  JAE: ["jae"], JB: ["jb"], SETB: ["setb"], SETAE: ["setae"], CMOVB: ["cmovb"], CMOVAE: ["cmovae"],
};

export function mnemonicsAgree(ours: Instruction, icedMnemonic: string): boolean {
  const theirs = icedMnemonic.toLowerCase();
  if (ours.mnemonic === "FPU") return theirs.startsWith("f") || theirs === "wait";
  if (ours.mnemonic === "SIMD" || ours.mnemonic === "EMMS") return true;
  const alias = ALIASES[ours.mnemonic];
  if (alias) return alias.some((a) => theirs === a || theirs.startsWith(a));
  return theirs === ours.mnemonic.toLowerCase();
}

export interface AgreementReport {
  mode: 16 | 32;
  sequences: number;
  bothValid: number;
  bothInvalid: number;
  lengthMismatches: number;
  mnemonicMismatches: number;
  /** We said invalid; iced decoded an instruction of a later extension (by its CPUID feature). */
  outOfScope: Record<string, number>;
  /** We said invalid; iced decoded an instruction the P6 has. */
  missing: number;
  /** We decoded; iced said invalid. */
  extra: number;
  examples: string[];
}

export function newReport(mode: 16 | 32): AgreementReport {
  return { mode, sequences: 0, bothValid: 0, bothInvalid: 0, lengthMismatches: 0, mnemonicMismatches: 0, outOfScope: {}, missing: 0, extra: 0, examples: [] };
}

export class Agreement {
  private readonly decoder: { decode(): unknown; position: number; free(): void; ip: bigint };
  private readonly buffer: Uint8Array;

  constructor(readonly mode: 16 | 32) {
    this.buffer = new Uint8Array(16);
    this.decoder = new iced.Decoder(mode, this.buffer, iced.DecoderOptions.None);
  }

  check(bytes: Uint8Array, report: AgreementReport): void {
    report.sequences++;
    const ours = decode(bytes, 0, bytes.length, this.mode);
    const decoder = new iced.Decoder(this.mode, bytes, iced.DecoderOptions.None);
    const theirs = decoder.decode();
    const theirsValid = !theirs.isInvalid;
    const hex = Buffer.from(bytes).toString("hex");
    try {
      if (typeof ours === "number") {
        if (!theirsValid) {
          report.bothInvalid++;
          return;
        }
        const features: string[] = Array.from(theirs.cpuidFeatures() as Int32Array).map((f) => iced.CpuidFeature[f] as string);
        if (features.every((f) => P6_FEATURES.has(f))) {
          report.missing++;
          if (report.examples.length < 40) report.examples.push(`missing ${hex}: iced ${iced.Mnemonic[theirs.mnemonic]} (${features.join(",")}), ours failure ${ours}`);
        } else {
          const key = features.filter((f) => !P6_FEATURES.has(f)).join("+");
          report.outOfScope[key] = (report.outOfScope[key] ?? 0) + 1;
        }
        return;
      }
      if (!theirsValid) {
        report.extra++;
        if (report.examples.length < 40) report.examples.push(`extra ${hex}: ours ${ours.mnemonic} length ${ours.length}, iced invalid`);
        return;
      }
      report.bothValid++;
      if (theirs.length !== ours.length) {
        report.lengthMismatches++;
        if (report.examples.length < 40) report.examples.push(`length ${hex}: ours ${ours.mnemonic}/${ours.length} iced ${iced.Mnemonic[theirs.mnemonic]}/${theirs.length}`);
      } else if (!mnemonicsAgree(ours, iced.Mnemonic[theirs.mnemonic] as string)) {
        report.mnemonicMismatches++;
        if (report.examples.length < 40) report.examples.push(`mnemonic ${hex}: ours ${ours.mnemonic} iced ${iced.Mnemonic[theirs.mnemonic]}`);
      }
    } finally {
      theirs.free();
      decoder.free();
    }
  }
}

const PREFIXES = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];

/** Opcode byte strings of every row (one-byte, 0F, 0F 38/3A), used to bias random sequences. */
export const ROW_OPCODES: number[][] = OPCODES.map((row) => {
  const bytes: number[] = [];
  for (const token of row.opcode.split(/\s+/)) {
    if (/^[0-9A-F]{2}$/.test(token)) bytes.push(parseInt(token, 16));
    else if (token.endsWith("+r")) bytes.push(parseInt(token, 16));
    else if (token === "xx") bytes.push(0);
  }
  return bytes;
});

/** A random 15-byte sequence: half fully random, half a table opcode behind random prefixes. */
export function randomSequence(next: () => number): Uint8Array {
  const bytes = new Uint8Array(15);
  for (let k = 0; k < 15; k++) bytes[k] = next() & 0xff;
  if ((next() & 1) === 0) {
    let at = 0;
    const prefixes = next() % 4;
    for (let k = 0; k < prefixes; k++) bytes[at++] = PREFIXES[next() % PREFIXES.length]!;
    const opcode = ROW_OPCODES[next() % ROW_OPCODES.length]!;
    for (const b of opcode) bytes[at++] = b === 0 && opcode.length === 3 ? next() & 0xff : b;
  }
  return bytes;
}

export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}
