/**
 * Accesses that skip the full shadow-TLB probe because an earlier access kept their page (the
 * region's stack page for SS, a root's page in straight-line code: translator/backend/address-groups.ts,
 * an inner loop's page for one access: translator/backend/loop-pages.ts).
 * Each program walks its addresses across page boundaries, into a read-only page or up to a page that
 * is not present; the translator's final state (registers, EIP, the fault and CR2, memory) must equal
 * the interpreter's. Sources (GNU as, .intel_syntax) in the comments; assembled with `gcc -m32 -c`.
 */
import { describe, expect, it } from "vitest";
import { hex, setupMachine } from "../support/run-snippet.js";
import { enableTranslator } from "../../src/translator-tier.js";
import { REG32_NAMES, State } from "../../runtime/state/layout.js";

const PAGE_DIRECTORY = 0x30000;
const CR0_PG = 0x80000000;
const CR0_WP = 0x10000;

/**
 * Identity-mapped first 4 MiB; linear 0x400000 → physical 0x20000 read-only (filled with 0x01020304),
 * 0x401000 → 0x21000 writable, 0x402000 not present.
 */
function paging() {
  const table0 = new Uint8Array(4096);
  const view = new DataView(table0.buffer);
  for (let page = 0; page < 1024; page++) view.setUint32(page * 4, (page << 12) | 3, true);
  const directory = new Uint8Array(4096);
  new DataView(directory.buffer).setUint32(0, 0x31003, true);
  new DataView(directory.buffer).setUint32(4, 0x32003, true);
  const table1 = new Uint8Array(4096);
  new DataView(table1.buffer).setUint32(0, 0x20001, true);
  new DataView(table1.buffer).setUint32(4, 0x21003, true);
  return [
    { address: PAGE_DIRECTORY, bytes: directory },
    { address: 0x31000, bytes: table0 },
    { address: 0x32000, bytes: table1 },
    { address: 0x20000, bytes: new Uint8Array(4096).fill(0x03) },
  ];
}

const PROGRAMS: { name: string; code: string; paged: boolean; stop: "end" | "page fault" }[] = [
  {
    // mov ecx, 3000; mov esp, 0x3f0000; xor esi, esi
    // 1: sub esp, 1021 ; an odd step: the stack page changes every few iterations
    //    push ecx; push esi; mov [esp+2], ecx ; unaligned, sometimes across the page end
    //    mov eax, [esp+2]; add esi, eax; pop edx; pop edi; add esi, edx; add esi, edi; dec ecx; jnz 1b
    name: "a stack that walks down across page boundaries",
    code: "b9b80b0000bc00003f0031f681ecfd0300005156894c24028b44240201c65a5f01d601fe4975e5",
    paged: false,
    stop: "end",
  },
  {
    // mov esp, 0x401000; mov ecx, 100; xor esi, esi
    // 1: mov eax, [esp-8] ; the read-only page: reads keep no stack page
    //    add esi, eax; dec ecx; jnz 1b
    //    push esi ; a write into it: #PF (CR0.WP)
    name: "reads of a read-only stack page, then a push into it",
    code: "bc00104000b96400000031f68b4424f801c64975f756",
    paged: true,
    stop: "page fault",
  },
  {
    // mov ebx, 0x401f00; xor ecx, ecx; mov eax, 7
    // 1: add eax, [ebx]; add [ebx+4], eax; mov [ebx+8], eax ; one root, three offsets
    //    add ebx, 4; inc ecx; jmp 1b ; until [ebx+8] reaches the page that is not present
    name: "one base register's accesses up to a page that is not present",
    code: "bb001f400031c9b807000000030301430489430883c30441ebf2",
    paged: true,
    stop: "page fault",
  },
  {
    // mov esi, 0x401e00; mov eax, 5
    // 1: add eax, [esi]; add [esi+0x10], eax ; a loop's own pages (loop-pages.ts): ESI moves on
    //    add esi, 12; jmp 1b ; every iteration, so only the loop keeps the page, up to the missing one
    name: "a loop's accesses walking up to a page that is not present",
    code: "be001e4000b805000000030601461083c60cebf6",
    paged: true,
    stop: "page fault",
  },
  {
    // mov edi, 0x401040; mov eax, 0x12345678
    // 1: mov [edi], eax; add eax, 3; sub edi, 4; jmp 1b ; down from the writable page into the read-only one
    name: "a loop's stores walking down into a read-only page",
    code: "bf40104000b878563412890783c00383ef04ebf6",
    paged: true,
    stop: "page fault",
  },
  {
    // xor ebx, ebx; mov ecx, 100; xor eax, eax
    // 1: add eax, [ebx+ecx*4]; mov [ebx+ecx*4+0x800], eax; dec ecx; jnz 1b ; guest page 0, which
    //    a kept page must never confuse with "no page" (host offset 0 is the CPU state, not RAM)
    name: "a loop over guest page 0",
    code: "31dbb96400000031c003048b89848b000800004975f3",
    paged: false,
    stop: "end",
  },
  {
    // mov esp, 0x800; mov ecx, 100; xor eax, eax
    // 1: push ecx; add eax, [esp]; pop edx; dec ecx; jnz 1b ; a stack in guest page 0: the
    //    region's stack page must start as "none", not as page 0 (host offset 0 is the CPU state)
    // mov esp, 0x80000
    name: "a stack in guest page 0",
    code: "bc00080000b96400000031c0510304245a4975f8bc00000800",
    paged: false,
    stop: "end",
  },
];

async function run(code: string, paged: boolean, threshold: number | null) {
  const { machine, end } = setupMachine(hex(code), { memory: paged ? paging() : [] });
  const cpu = machine.cpu;
  if (paged) {
    cpu.setField(State.cr3, PAGE_DIRECTORY);
    cpu.setField(State.cr0, cpu.field(State.cr0) | CR0_PG | CR0_WP);
  }
  if (threshold !== null) await enableTranslator(machine, { threshold });
  const result = machine.run({ maxInstructions: 1_000_000 });
  const vector = result.exception?.vector;
  return {
    stop: vector === 6 && cpu.eip === end ? "end" : vector === 14 ? "page fault" : `stopped: ${result.reason} ${vector ?? ""}`,
    eip: cpu.eip,
    errorCode: result.exception?.errorCode,
    cr2: cpu.field(State.cr2) >>> 0,
    registers: Object.fromEntries(REG32_NAMES.map((name, n) => [name, cpu.reg32(n) >>> 0])),
    stack: Array.from(cpu.readPhysicalBytes(0x100000, 0x2f0000)).reduce((sum, byte, n) => (sum + byte * (n + 1)) % 0x7fffffff, 0),
    page: Array.from(cpu.readPhysicalBytes(0x21000, 4096)),
    page0: Array.from(cpu.readPhysicalBytes(0, 4096)),
    compiled: machine.interpreter.statistics.compiledInstructions,
  };
}

describe("accesses through a kept page", () => {
  for (const { name, code, paged, stop } of PROGRAMS) {
    it.each([1, 2, 5])(`${name}: the translator (threshold %i) ends as the interpreter does`, async (threshold) => {
      const interpreted = await run(code, paged, null);
      const translated = await run(code, paged, threshold);
      expect(interpreted.stop).toBe(stop);
      expect(translated.compiled).toBeGreaterThan(0);
      expect({ ...translated, compiled: 0 }).toEqual({ ...interpreted, compiled: 0 });
    });
  }
});
