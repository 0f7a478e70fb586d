/**
 * REP MOVS/STOS and REPNE SCASB complete inline when they are short and lie in mapped RAM
 * (translator/semantics/string.ts, through Builder.hostRange). Each case runs the instruction three
 * times in a loop (the first run fills the shadow TLB, the next ones take the inline path) with the
 * interpreter and compiled, and once more with ES limited to 4 MiB — not flat, so every run goes
 * through the element-by-element helper. All must agree with a model of the instruction written from
 * the SDM (Vol.2 MOVS/STOS/SCAS, REP/REPNE), and the helper counts show which path ran.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Machine } from "../../src/machine.js";
import { enableTranslator } from "../../src/translator-tier.js";
import { HELPER_IMPLEMENTATIONS } from "../../runtime/helpers/index.js";
import { Seg } from "../../runtime/state/layout.js";
import { loadSnippet } from "../support/run-snippet.js";

const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const ITERATIONS = 3;
const CF = 0x1;
const ZF = 0x40;

type Operation = "movsb" | "movsd" | "stosb" | "stosd" | "repne scasb";
const OPCODE: Record<Operation, number[]> = { movsb: [0xf3, 0xa4], movsd: [0xf3, 0xa5], stosb: [0xf3, 0xaa], stosd: [0xf3, 0xab], "repne scasb": [0xf2, 0xae] };
const HELPER: Record<Operation, "movs" | "stos" | "scas"> = { movsb: "movs", movsd: "movs", stosb: "stos", stosd: "stos", "repne scasb": "scas" };

interface Case {
  name: string;
  op: Operation;
  esi?: number;
  edi: number;
  ecx: number;
  eax?: number;
  down?: boolean;
  /** Memory before the run: address → bytes. */
  memory: { address: number; bytes: number[] }[];
  /** The inline path applies (helper called at most once, for the run that fills the TLB). */
  inline: boolean;
}

const pattern = (length: number, seed: number) => Array.from({ length }, (_, k) => (k * 37 + seed) & 0xff || 1);
const DATA = 0x20000;

const CASES: Case[] = [
  { name: "rep movsb, 48 bytes in a page", op: "movsb", esi: DATA, edi: DATA + 0x800, ecx: 48, memory: [{ address: DATA, bytes: pattern(64, 3) }], inline: true },
  { name: "rep movsd, 100 dwords", op: "movsd", esi: DATA + 4, edi: DATA + 0x400, ecx: 100, memory: [{ address: DATA, bytes: pattern(512, 5) }], inline: true },
  { name: "rep movsb, destination one byte above the source (each byte sees the copy)", op: "movsb", esi: DATA, edi: DATA + 1, ecx: 32, memory: [{ address: DATA, bytes: pattern(40, 7) }], inline: false },
  { name: "rep movsb, destination below an overlapping source", op: "movsb", esi: DATA + 3, edi: DATA, ecx: 32, memory: [{ address: DATA, bytes: pattern(40, 9) }], inline: true },
  { name: "rep movsb, source crossing a page", op: "movsb", esi: DATA + 0xff0, edi: DATA + 0x2000, ecx: 40, memory: [{ address: DATA + 0xfe0, bytes: pattern(80, 11) }], inline: false },
  { name: "rep movsb with DF = 1", op: "movsb", esi: DATA + 0x40, edi: DATA + 0x840, ecx: 20, down: true, memory: [{ address: DATA, bytes: pattern(80, 13) }], inline: false },
  { name: "rep movsb with ECX = 0", op: "movsb", esi: DATA, edi: DATA + 0x800, ecx: 0, memory: [{ address: DATA, bytes: pattern(16, 15) }], inline: false },
  { name: "rep movsd, more than a page of elements", op: "movsd", esi: DATA, edi: DATA + 0x3000, ecx: 0x500, memory: [{ address: DATA, bytes: pattern(0x1400, 17) }], inline: false },
  { name: "rep stosb, 100 bytes", op: "stosb", edi: DATA + 0x10, ecx: 100, eax: 0x1234_56a5, memory: [], inline: true },
  { name: "rep stosd of zero", op: "stosd", edi: DATA + 0x100, ecx: 64, eax: 0, memory: [{ address: DATA + 0x100, bytes: pattern(256, 19) }], inline: true },
  { name: "rep stosd of a value with different bytes", op: "stosd", edi: DATA + 0x100, ecx: 16, eax: 0x1234_5678, memory: [], inline: false },
  { name: "rep stosb ending exactly at the end of a page", op: "stosb", edi: DATA + 0xf00, ecx: 0x100, eax: 0x77, memory: [], inline: true },
  { name: "repne scasb finds AL in the page", op: "repne scasb", edi: DATA, ecx: 200, eax: 0, memory: [{ address: DATA, bytes: [...pattern(90, 21), 0] }], inline: true },
  { name: "repne scasb, ECX ends before AL", op: "repne scasb", edi: DATA, ecx: 50, eax: 0, memory: [{ address: DATA, bytes: [...pattern(90, 23), 0] }], inline: true },
  { name: "repne scasb, AL beyond the page (strlen crossing a page)", op: "repne scasb", edi: DATA + 0xff8, ecx: -1, eax: 0x00, memory: [{ address: DATA + 0xff8, bytes: [...pattern(40, 25), 0] }], inline: false },
  { name: "repne scasb, AL is the first byte", op: "repne scasb", edi: DATA + 0x20, ecx: 10, eax: 0x41, memory: [{ address: DATA + 0x20, bytes: [0x41, 0x42] }], inline: true },
];

/** The loop: ITERATIONS × (set ESI/EDI/ECX/EAX, CLD or STD, the instruction, PUSHFD, POP EDX). */
function program(c: Case): number[] {
  const body = [
    0xbe, ...le32(c.esi ?? 0), 0xbf, ...le32(c.edi), 0xb9, ...le32(c.ecx), 0xb8, ...le32(c.eax ?? 0),
    c.down ? 0xfd : 0xfc, ...OPCODE[c.op], 0x9c, 0x5a, 0xfc, 0x4d,
  ];
  return [0xbd, ...le32(ITERATIONS), ...body, 0x75, (-(body.length + 2)) & 0xff];
}

/** The instruction run ITERATIONS times on a copy of memory, element by element as the SDM describes it. */
function model(c: Case, memory: Uint8Array) {
  let esi = 0, edi = 0, ecx = 0, flags = 0;
  for (let n = 0; n < ITERATIONS; n++) {
    esi = c.esi ?? 0; edi = c.edi; ecx = c.ecx >>> 0;
    const bytes = c.op.endsWith("d") ? 4 : 1;
    const step = c.down ? -bytes : bytes;
    while (ecx !== 0) {
      if (c.op.startsWith("movs")) memory.copyWithin(edi, esi, esi + bytes);
      else if (c.op.startsWith("stos")) for (let k = 0; k < bytes; k++) memory[edi + k] = ((c.eax ?? 0) >>> (8 * k)) & 0xff;
      else {
        const al = (c.eax ?? 0) & 0xff;
        flags = (al === memory[edi] ? ZF : 0) | (al < memory[edi]! ? CF : 0);
      }
      if (c.op.startsWith("movs")) esi += step;
      edi += step;
      ecx = (ecx - 1) >>> 0;
      if (c.op === "repne scasb" && flags & ZF) break;
    }
  }
  return { esi: esi >>> 0, edi: edi >>> 0, ecx, flags };
}

type Configuration = "interpreter" | "translator" | "helper only";

async function run(c: Case, configuration: Configuration) {
  const calls = countHelperCalls(HELPER[c.op]);
  const machine = new Machine({ ramSize: 4 << 20, stopOnException: true });
  if (configuration === "translator") await enableTranslator(machine, { threshold: 1 });
  const end = loadSnippet(machine, program(c), { memory: c.memory });
  // ES limited to RAM: not a flat segment, so hostRange declines and the helper does every run.
  if (configuration === "helper only") machine.cpu.setSegmentField(Seg.ES, "limit", (4 << 20) - 1);
  const result = machine.run({ maxInstructions: 100_000 });
  const cpu = machine.cpu;
  expect(result.exception?.vector, "the loop runs to the UD2 after it").toBe(6);
  expect(cpu.eip).toBe(end);
  return { esi: cpu.reg32(6) >>> 0, edi: cpu.reg32(7) >>> 0, ecx: cpu.reg32(1) >>> 0, eflags: cpu.reg32(2) >>> 0, ram: cpu.readPhysicalBytes(DATA, 0x4000), helperCalls: calls.count };
}

const restore: (() => void)[] = [];
afterEach(() => restore.splice(0).forEach((undo) => undo()));
/** Count calls of one helper (both tiers look helpers up in HELPER_IMPLEMENTATIONS). */
function countHelperCalls(name: "movs" | "stos" | "scas") {
  const implementations = HELPER_IMPLEMENTATIONS as Record<string, (...args: never[]) => number>;
  const original = implementations[name]!;
  const counter = { count: 0 };
  implementations[name] = (...args: never[]) => {
    counter.count++;
    return original(...args);
  };
  restore.push(() => (implementations[name] = original));
  return counter;
}

describe("string instructions done inline on mapped RAM", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const memory = new Uint8Array(4 << 20);
      for (const region of c.memory) memory.set(region.bytes, region.address);
      const expected = model(c, memory);
      for (const configuration of ["interpreter", "translator", "helper only"] as const) {
        const got = await run(c, configuration);
        const where = `${configuration}`;
        expect({ esi: got.esi, edi: got.edi, ecx: got.ecx }, where).toEqual({ esi: c.op.startsWith("movs") ? expected.esi : 0, edi: expected.edi, ecx: expected.ecx });
        expect(Buffer.from(got.ram).equals(Buffer.from(memory.subarray(DATA, DATA + 0x4000))), `${where}: memory`).toBe(true);
        if (c.op === "repne scasb" && c.ecx !== 0) expect(got.eflags & (ZF | CF), `${where}: ZF and CF of the last comparison`).toBe(expected.flags);
        if (configuration === "helper only") expect(got.helperCalls, where).toBe(ITERATIONS);
        else if (c.inline) expect(got.helperCalls, `${where}: only the run that fills the TLB calls the helper`).toBeLessThanOrEqual(1);
        else expect(got.helperCalls, `${where}: every run needs the helper`).toBeGreaterThanOrEqual(ITERATIONS);
      }
    });
  }

  it("a REP MOVSB that overwrites the next instruction's immediate takes the helper and the new bytes run", async () => {
    // mov esi, src / mov edi, imm / mov ecx, 4 / cld / rep movsb / imm: mov eax, 0x11111111
    const source = DATA;
    const code = (immediateAddress: number) => [0xbe, ...le32(source), 0xbf, ...le32(immediateAddress), 0xb9, ...le32(4), 0xfc, 0xf3, 0xa4, 0xb8, ...le32(0x1111_1111)];
    const immediateAddress = 0x10000 + code(0).length - 4;
    for (const configuration of ["interpreter", "translator"] as const) {
      const machine = new Machine({ ramSize: 4 << 20, stopOnException: true });
      if (configuration === "translator") await enableTranslator(machine, { threshold: 1 });
      loadSnippet(machine, code(immediateAddress), { memory: [{ address: source, bytes: le32(0x2222_2222) }] });
      const result = machine.run({ maxInstructions: 1000 });
      expect(result.exception?.vector, configuration).toBe(6);
      expect(machine.cpu.reg32(0) >>> 0, `${configuration}: the patched immediate`).toBe(0x2222_2222);
    }
  });
});
