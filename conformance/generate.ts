/**
 * Generates the native conformance corpus: random instruction snippets drawn from the one opcode
 * table, run on this machine's CPU by the oracle (conformance/oracle), written as gzipped JSON lines
 * to conformance/vectors/<class>.jsonl.gz.  Needs gcc-multilib (to build the oracle).
 *
 *   npm run conformance:generate -- [--count 30000] [--seed 1]
 *
 * Snippets keep their memory operands inside the vector's pages: EBX, ESI and EDI point into data
 * pages and are never written by the snippet, EBP and ESP into the stack page; branches target the
 * next instruction or the snippet's end. Rows whose results depend on the host (CPUID, RDTSC, the
 * UMIP-emulated SGDT/SIDT/SMSW/SLDT/STR, SYSENTER, x87/SIMD) are left out, each with its reason.
 */
import { spawnSync, execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { OPCODES, semanticKey } from "../translator/isa/opcodes.js";
import type { OpcodeRow } from "../translator/isa/types.js";
import { flagMask } from "../translator/semantics/flags.js";
import { REGISTER_NAMES, type ConformanceVector, type VectorPage } from "./format.js";

/** Rows not generated natively, and why. */
export const EXCLUDED: Record<string, string> = {
  CPUID: "reports the host CPU's identity, not the emulated P6",
  RDTSC: "time-dependent",
  RDPMC: "depends on the host kernel's CR4.PCE",
  SGDT: "emulated by the host kernel under UMIP with dummy values",
  SIDT: "emulated by the host kernel under UMIP with dummy values",
  SMSW: "emulated by the host kernel under UMIP with dummy values",
  SLDT: "emulated by the host kernel under UMIP with dummy values",
  STR: "emulated by the host kernel under UMIP with dummy values",
  SYSENTER: "enters the host kernel",
  SYSEXIT: "host kernel entry path",
  FPU: "x87 not implemented yet (decoded only)",
  SIMD: "SIMD not implemented yet (decoded only)",
  EMMS: "SIMD not implemented yet (decoded only)",
  INT3: "delivered through the host's IDT gate (a trap), not comparable to a CPL-3 fault",
  INTO: "delivered through the host's IDT gate (a trap), not comparable to a CPL-3 fault",
  INT1: "delivered through the host's IDT gate (a trap), not comparable to a CPL-3 fault",
  CALLF: "far transfers need the host's GDT",
  JMPF: "far transfers need the host's GDT",
  RETF: "far transfers need the host's GDT",
  IRET: "far transfers need the host's GDT",
  LDS: "loads random selectors whose outcome depends on the host's GDT",
  LES: "loads random selectors whose outcome depends on the host's GDT",
  LFS: "loads random selectors whose outcome depends on the host's GDT",
  LGS: "loads random selectors whose outcome depends on the host's GDT",
  LSS: "loads random selectors whose outcome depends on the host's GDT",
  POP_SREG: "loads random selectors whose outcome depends on the host's GDT",
  LAR: "reads the host's GDT",
  LSL: "reads the host's GDT",
  VERR: "reads the host's GDT",
  VERW: "reads the host's GDT",
  LLDT: "faults (#GP) identically but needs a register selector; covered by system tests",
  LTR: "faults (#GP) identically but needs a register selector; covered by system tests",
};

export const CODE_PAGE = 0x10000000;
export const DATA_PAGE = 0x10001000;
export const DATA_PAGE_2 = 0x10002000;
export const READ_ONLY_PAGE = 0x10003000;
/** 0x10004000 stays unmapped: accesses there fault. */
export const UNMAPPED_PAGE = 0x10004000;
export const STACK_PAGE = 0x10005000;

let state = 1;
function random(): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state;
}
const below = (n: number) => random() % n;
const chance = (p: number) => random() / 4294967296 < p;
const pick = <T>(items: readonly T[]): T => items[below(items.length)]!;

const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe];
function randomValue(): number {
  if (chance(0.3)) return pick(INTERESTING) >>> 0;
  if (chance(0.2)) return below(64);
  return random();
}

/** Registers a snippet may write: EAX ECX EDX (8-bit: AL CL DL AH CH DH). */
const WRITABLE32 = [0, 1, 2];
const WRITABLE8 = [0, 1, 2, 4, 5, 6];

interface Encoded {
  bytes: number[];
  /** Offset of a relative displacement to patch to the snippet end, and its width. */
  relative?: { at: number; width: number };
}

function operandList(row: OpcodeRow): string[] {
  return row.operands === "" ? [] : row.operands.split(",");
}

function encode(row: OpcodeRow): Encoded | undefined {
  const bytes: number[] = [];
  const ops = operandList(row);
  const sized = ops.some((o) => /^[EGIJMORZXY].*[vz]$|^eAX$|^Ibs$/.test(o)) || ["PUSHA", "POPA", "PUSHF", "CBW", "CWD", "ENTER", "LEAVE", "RET"].includes(row.mnemonic);
  const size16 = sized && chance(0.25);
  if (size16) bytes.push(0x66);
  if (row.rep) {
    const r = below(3);
    if (r === 1) bytes.push(0xf3);
    if (r === 2) bytes.push(0xf2);
  }
  const hasMemoryForm = /\/[0-7r]/.test(row.opcode) && ops.some((o) => o.startsWith("E") || o.startsWith("M"));
  const memory = row.modrm === "mem" || (row.modrm !== "reg" && hasMemoryForm && chance(0.5));
  if (memory && row.lockable && chance(0.1)) bytes.push(0xf0);
  if (memory && chance(0.05)) bytes.push(pick([0x26, 0x2e, 0x36, 0x3e, 0x64]));
  if (memory && chance(0.03)) bytes.push(0x67);
  const addressing16 = bytes.includes(0x67);

  const tokens = row.opcode.split(/\s+/);
  let digit = -1;
  let hasModrm = false;
  let plusR = -1;
  for (const token of tokens) {
    if (token === "/r") hasModrm = true;
    else if (/^\/[0-7]$/.test(token)) { hasModrm = true; digit = Number(token[1]); }
    else if (token.endsWith("+r")) plusR = parseInt(token, 16);
    else if (token !== "xx") bytes.push(parseInt(token, 16));
  }
  const byteOps = (o: string) => o.endsWith("b") && !o.startsWith("I") && !o.startsWith("J");
  const destination8 = ops[0] !== undefined && byteOps(ops[0]);
  if (plusR >= 0) bytes.push(plusR + (destination8 || ops[0] === "Zb" ? pick(WRITABLE8) : pick(WRITABLE32)));

  if (hasModrm) {
    const gIsDestination = ops[0]?.startsWith("G") ?? false;
    const eOperand = ops.find((o) => o.startsWith("E") || o.startsWith("M")) ?? "Ev";
    let reg = digit;
    if (reg < 0) {
      const gOperand = ops.find((o) => o.startsWith("G") || o.startsWith("S")) ?? "Gv";
      if (gOperand.startsWith("S")) reg = pick([0, 3, 4]); // ES DS FS (never CS, SS, GS here)
      else if (gIsDestination || row.mnemonic === "XCHG" || row.mnemonic === "XADD") reg = byteOps(gOperand) ? pick(WRITABLE8) : pick(WRITABLE32);
      else reg = below(8);
    }
    if (!memory) {
      const eWritable = ops[0]?.startsWith("E") && !["CMP", "TEST", "BT", "PUSH"].includes(row.mnemonic);
      const rm = eWritable || row.mnemonic === "XCHG" ? (byteOps(eOperand) ? pick(WRITABLE8) : pick(WRITABLE32)) : below(8);
      bytes.push(0xc0 | (reg << 3) | rm);
    } else if (addressing16) {
      // 16-bit addressing reaches only the first 64 KiB, never mapped on Linux: these fault (#PF/#GP).
      const mod = below(3);
      bytes.push((mod << 6) | (reg << 3) | below(8));
      if (mod === 1) bytes.push(below(256));
      if (mod === 2 || (mod === 0 && false)) bytes.push(below(256), below(256));
    } else {
      const form = below(5);
      if (form === 0) {
        bytes.push((reg << 3) | 3); // [ebx]
      } else if (form === 1) {
        bytes.push(0x40 | (reg << 3) | 3, below(256)); // [ebx + disp8]
      } else if (form === 2) {
        bytes.push(0x80 | (reg << 3) | 3, ...le32(below(0x800) - 0x400)); // [ebx + disp32]
      } else if (form === 3) {
        bytes.push((reg << 3) | 5, ...le32(DATA_PAGE_2 + below(0xff0))); // [disp32]
      } else {
        bytes.push(0x40 | (reg << 3) | 4, (below(4) << 6) | (4 << 3) | 3, below(128)); // [ebx + disp8] via SIB
      }
    }
  }

  let relative: Encoded["relative"];
  for (const o of ops) {
    const width16 = size16 ? 2 : 4;
    if (o === "Ib" || o === "Ibs") bytes.push(row.class === "shift" ? below(40) : below(256));
    else if (o === "Iw") bytes.push(below(256), below(16));
    else if (o === "Iz" || o === "Iv") bytes.push(...le32(randomValue()).slice(0, width16));
    else if (o === "Jb") { relative = { at: bytes.length, width: 1 }; bytes.push(0); }
    else if (o === "Jz") { relative = { at: bytes.length, width: width16 }; bytes.push(...new Array(width16).fill(0)); }
    else if (o === "Ob" || o === "Ov") bytes.push(...le32(DATA_PAGE + below(0xff0)));
    else if (o === "Ap") return undefined;
  }
  if (row.mnemonic === "INT") {
    let vector = below(256);
    while (vector === 3 || vector === 4 || vector === 0x80) vector = below(256);
    bytes[bytes.length - 1] = vector;
  }
  return { bytes, relative };
}

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** Instructions that must be last (they change registers the other instructions rely on). */
const LAST_ONLY = new Set(["POPA", "LEAVE", "JMP", "CALL", "RET", "JCC", "LOOP", "LOOPE", "LOOPNE", "JCXZ", "ENTER", "POPF"]);

function generateVector(index: number, klass: string, rows: OpcodeRow[]): ConformanceVector | undefined {
  const count = 1 + below(3);
  const code: number[] = [];
  const mnemonics: string[] = [];
  const patches: { at: number; width: number; end: number }[] = [];
  let undefinedFlags = 0;
  for (let n = 0; n < count; n++) {
    const row = pick(rows);
    const key = semanticKey(row);
    if (LAST_ONLY.has(key) && n < count - 1) continue;
    if (key === "RET" || key === "POPF") {
      // The return address / flags image must be controlled: push it first.
      const image = key === "RET" ? 0 : (random() & 0x0cd5) | 0x202;
      code.push(0x68, ...le32(image));
      mnemonics.push("PUSH");
      if (key === "RET") patches.push({ at: code.length - 4, width: -4, end: 0 });
    }
    if (key === "MOV_TO_SREG") {
      code.push(0xb8, ...le32(pick([0x2b, 0x23, 0, 0x1000, 0xffff, 0x2f, 0x7])));
      mnemonics.push("MOV");
    }
    const encoded = encode(row);
    if (encoded === undefined) return undefined;
    if (key === "MOV_TO_SREG") encoded.bytes[encoded.bytes.length - 1] = (encoded.bytes[encoded.bytes.length - 1]! & 0x38) | 0xc0;
    const start = code.length;
    code.push(...encoded.bytes);
    if (encoded.relative) patches.push({ at: start + encoded.relative.at, width: encoded.relative.width, end: code.length });
    mnemonics.push(row.mnemonic);
    undefinedFlags |= flagMask(row.flagsUndefined);
    if (LAST_ONLY.has(key)) break;
  }
  const end = code.length;
  for (const patch of patches) {
    if (patch.width === -4) {
      code.splice(patch.at, 4, ...le32(CODE_PAGE + end));
      continue;
    }
    const displacement = chance(0.5) ? end - patch.end : 0;
    if (patch.width === 1) code[patch.at] = displacement & 0xff;
    else code.splice(patch.at, patch.width, ...le32(displacement).slice(0, patch.width));
  }
  const regs = {
    eax: randomValue(), ecx: chance(0.5) ? below(40) : randomValue(), edx: randomValue(),
    ebx: (chance(0.08) ? pick([READ_ONLY_PAGE, UNMAPPED_PAGE]) : DATA_PAGE) + below(0x800),
    esp: STACK_PAGE + 0x800 + below(0x100) * 4, ebp: STACK_PAGE + 0x600 + below(0x80) * 4,
    esi: DATA_PAGE_2 + 0x400 + below(0x400), edi: DATA_PAGE + 0x400 + below(0x400),
  };
  const eflags = 0x202 | (random() & 0x8d5) | (chance(0.2) ? 0x400 : 0);
  const pages: VectorPage[] = [
    { address: CODE_PAGE, perm: 5, seed: random() || 1 },
    { address: DATA_PAGE, perm: 3, seed: random() || 1 },
    { address: DATA_PAGE_2, perm: 3, seed: random() || 1 },
    { address: READ_ONLY_PAGE, perm: 1, seed: random() || 1 },
    { address: STACK_PAGE, perm: 3, seed: random() || 1 },
  ];
  return {
    id: `${klass}-${index}`,
    class: klass,
    mnemonics,
    code: Buffer.from(code).toString("hex"),
    codeAddress: CODE_PAGE,
    initial: { regs: { ...regs, esp: regs.esp >>> 0 } as ConformanceVector["initial"]["regs"], eflags, pages },
    final: undefined as unknown as ConformanceVector["final"],
    undefinedFlags,
  };
}

function oracleLine(v: ConformanceVector): string {
  const r = v.initial.regs;
  const regs = REGISTER_NAMES.map((name) => (r[name] >>> 0).toString(16)).join(" ");
  const pages = v.initial.pages.map((p) => `${p.address.toString(16)} ${p.perm} ${p.seed.toString(16)}`).join(" ");
  return `${v.id} ${v.codeAddress.toString(16)} ${v.code} ${regs} ${v.initial.eflags.toString(16)} ${v.initial.pages.length} ${pages}`;
}

function parseOracle(line: string, v: ConformanceVector): string | undefined {
  const f = line.trim().split(" ");
  const status = Number(f[1]);
  if (status === 2) return "timed out";
  if (status === 3) return "pages could not be mapped";
  const n = f.slice(2, 18).map((x) => parseInt(x, 16) >>> 0);
  const regs = Object.fromEntries(REGISTER_NAMES.map((name, k) => [name, n[k]!])) as ConformanceVector["final"]["regs"];
  const changes = parseInt(f[18]!, 16);
  const memory: [number, number][] = [];
  for (let k = 0; k < changes; k++) memory.push([parseInt(f[19 + 2 * k]!, 16), parseInt(f[20 + 2 * k]!, 16)]);
  let exception: ConformanceVector["final"]["exception"] = null;
  if (status === 1) {
    const vector = n[10]!;
    exception = { vector, errorCode: [8, 10, 11, 12, 13, 14, 17].includes(vector) ? n[11]! : -1, cr2: vector === 14 ? n[12]! : 0 };
  }
  v.final = {
    regs,
    eflags: n[8]!,
    eip: n[9]!,
    memory,
    segments: { ds: n[13]! & 0xffff, es: n[14]! & 0xffff, fs: n[15]! & 0xffff },
    exception,
  };
  return undefined;
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const total = option("--count", 30000);
  state = option("--seed", 1) >>> 0 || 1;
  execFileSync("bash", ["conformance/oracle/build.sh"], { stdio: "inherit" });
  const byClass = new Map<string, OpcodeRow[]>();
  for (const row of OPCODES) {
    const key = semanticKey(row);
    if (row.unimplemented || EXCLUDED[key] !== undefined) continue;
    const list = byClass.get(row.class) ?? [];
    list.push(row);
    byClass.set(row.class, list);
  }
  const classes = [...byClass.keys()];
  const perClass = Math.ceil(total / classes.length);
  const vectors: ConformanceVector[] = [];
  for (const klass of classes) {
    let made = 0;
    while (made < perClass) {
      const v = generateVector(made, klass, byClass.get(klass)!);
      if (v) {
        vectors.push(v);
        made++;
      }
    }
  }
  process.stderr.write(`running ${vectors.length} vectors through the oracle...\n`);
  const input = vectors.map(oracleLine).join("\n") + "\n";
  const run = spawnSync("conformance/oracle/build/oracle", { input, maxBuffer: 1 << 30 });
  const lines = run.stdout.toString().split("\n").filter(Boolean);
  const byId = new Map(lines.map((l) => [l.split(" ")[0]!, l]));
  const discarded = new Map<string, number>();
  const kept: ConformanceVector[] = [];
  for (const v of vectors) {
    const line = byId.get(v.id);
    const reason = line === undefined ? "no oracle output" : parseOracle(line, v);
    if (reason) discarded.set(reason, (discarded.get(reason) ?? 0) + 1);
    else kept.push(v);
  }
  mkdirSync("conformance/vectors", { recursive: true });
  const report: Record<string, number> = {};
  for (const klass of classes) {
    const own = kept.filter((v) => v.class === klass);
    report[klass] = own.length;
    writeFileSync(`conformance/vectors/${klass}.jsonl.gz`, gzipSync(own.map((v) => JSON.stringify(v)).join("\n") + "\n", { level: 9 }));
  }
  const summary = { generated: vectors.length, kept: kept.length, discarded: Object.fromEntries(discarded), perClass: report, excluded: EXCLUDED };
  writeFileSync("conformance/vectors/generation-report.json", JSON.stringify(summary, null, 2) + "\n");
  process.stderr.write(`kept ${kept.length} of ${vectors.length}; discarded: ${JSON.stringify(Object.fromEntries(discarded))}\n`);
}

main();
