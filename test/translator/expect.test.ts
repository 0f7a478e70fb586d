/**
 * Golden "expect" files: the WebAssembly text the translator emits for small x86 snippets, checked in
 * so that a change in generated code shows as a diff. Regenerate deliberately with UPDATE_EXPECT=1.
 */
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { emitBlockModule } from "../../translator/backend/compile-block.js";
import { SEMANTICS } from "../../translator/semantics/index.js";
import { semanticKey } from "../../translator/isa/opcodes.js";
import { decodeAll } from "../support/run-snippet.js";

const SNIPPETS: Record<string, string> = {
  // add eax, ebx; cmp eax, ecx; jb +0: the compare fuses into one i32.lt_u, ADD's flags are never stored
  "add-cmp-jb": "01 d8 39 c8 72 00",
  // mov eax, [ebx+8]; inc eax; mov [ebx+8], eax: the inline TLB fast path for a load and a store
  "load-inc-store": "8b 43 08 40 89 43 08",
  // shl eax, cl: a dynamic count: flags written only when the count is non-zero
  "shl-cl": "d3 e0",
  // mov ecx, 5; L: dec ecx; jnz L: a branch to an instruction inside the region re-enters through the br_table
  "internal-loop": "b9 05 00 00 00 49 75 fd",
  // L: inc ecx; mov eax, [ebx]; cmp ecx, edx; jne L: INC keeps CF across the load (which may fault);
  // the back-edge computes the CMP's CF into EFLAGS inline, so the loop head's keepFlags never runs
  "loop-keeps-cf": "41 8b 03 39 d1 75 f9",
};

/** Snippets compiled for flat DS/ES/SS (the mode word's FlatData): kept pages (address-groups.ts). */
const FLAT_SNIPPETS: Record<string, string> = {
  // push eax; mov [esp+8], ebx; pop ecx: the first SS access probes the TLB and keeps the stack page,
  // the next two test only that their address is in it
  "stack-page": "50 89 5c 24 08 59",
  // mov eax, [ebx+8]; add [ebx+12], eax: the load keeps its page (if writable) for EBX's later accesses
  "kept-page": "8b 43 08 01 43 0c",
};


describe("translator expect files", () => {
  const cases = [...Object.entries(SNIPPETS).map(([name, code]) => ({ name, code, flatData: false })), ...Object.entries(FLAT_SNIPPETS).map(([name, code]) => ({ name, code, flatData: true }))];
  for (const { name, code, flatData } of cases) {
    it(name, () => {
      const instructions = decodeAll(code);
      const semantics = instructions.map((i) => SEMANTICS[semanticKey(i.row)]);
      const mode = { code16: false, stack16: false, protectedMode: true, cpl: 0, flatData };
      const { text } = emitBlockModule(instructions, semantics, 0x1000, mode, { text: true, validate: true });
      const path = `test/translator/expect/${name}.wat`;
      const header = `;; ${code}\n`;
      if (process.env.UPDATE_EXPECT === "1") writeFileSync(path, header + text);
      expect(existsSync(path), `${path} is missing: run with UPDATE_EXPECT=1 to create it`).toBe(true);
      expect(header + text).toBe(readFileSync(path, "utf8"));
    });
  }
});
