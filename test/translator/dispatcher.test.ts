/**
 * The dispatcher's jump cache is keyed by linear address: when the guest remaps the page a compiled
 * region lives in (INVLPG, a CR3 reload), the next call to that address must run the new bytes, as
 * the hardware would after the TLB flush (SDM Vol.3 4.10.4.1).
 */
import { describe, expect, it } from "vitest";
import { hex, setupMachine } from "../support/run-snippet.js";
import { enableTranslator } from "../../src/translator-tier.js";
import { State } from "../../runtime/state/layout.js";

// Built with nasm from (org 0x10000):
//   xor eax,eax; mov ecx,200; l1: call 0x400000; dec ecx; jnz l1
//   mov dword [0x32000],0x21003; invlpg [0x400000]; mov ecx,200; l2: call 0x400000; dec ecx; jnz l2
//   mov dword [0x32000],0x22003; mov ebx,cr3; mov cr3,ebx; mov ecx,200; l3: call 0x400000; dec ecx; jnz l3
const MAIN =
  "31c0b9c8000000e8f4ff3e004975f8c70500200300031002000f013d00004000b9c8000000e8d6ff3e004975f8" +
  "c70500200300032002000f20db0f22dbb9c8000000e8b9ff3e004975f8";
const PAGE_DIRECTORY = 0x30000;

function pagingSetup() {
  const pageTable0 = new Uint8Array(4096);
  const view = new DataView(pageTable0.buffer);
  for (let page = 0; page < 1024; page++) view.setUint32(page * 4, (page << 12) | 3, true);
  const directory = new Uint8Array(4096);
  new DataView(directory.buffer).setUint32(0, 0x31003, true);
  new DataView(directory.buffer).setUint32(4, 0x32003, true);
  return [
    { address: PAGE_DIRECTORY, bytes: directory },
    { address: 0x31000, bytes: pageTable0 },
    { address: 0x32000, bytes: [0x03, 0x00, 0x02, 0x00] }, // linear 0x400000 → physical 0x20000
    { address: 0x20000, bytes: hex("83 c0 01 c3") }, // add eax, 1; ret
    { address: 0x21000, bytes: hex("05 00 01 00 00 c3") }, // add eax, 0x100; ret
    { address: 0x22000, bytes: hex("05 00 00 01 00 c3") }, // add eax, 0x10000; ret
  ];
}

describe("dispatcher and remapped code", () => {
  it.each([1, 2, 50])("runs the new mapping after INVLPG and after a CR3 reload (threshold %i)", async (threshold) => {
    const { machine } = setupMachine(hex(MAIN), { memory: pagingSetup() });
    const cpu = machine.cpu;
    cpu.setField(State.cr3, PAGE_DIRECTORY);
    cpu.setField(State.cr0, cpu.field(State.cr0) | 0x80000000);
    await enableTranslator(machine, { threshold });
    machine.run({ maxInstructions: 100_000 });
    // 200 calls to each of the three mappings.
    expect(cpu.reg32(0) >>> 0).toBe(200 * 1 + 200 * 0x100 + 200 * 0x10000);
    expect(machine.interpreter.statistics.blocksCompiled).toBeGreaterThan(0);
  });
});
