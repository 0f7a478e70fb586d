/**
 * Branch hints (translator/backend/branch-hints.ts): the `metadata.code.branch_hint` section of a
 * compiled region, read back here by the proposal's format (a custom section before the code
 * section; per function: index, then offset, size 1 and 0x00 "unlikely" per hint, offsets from the
 * start of the function body), must hint exactly the `br_if` instructions Binaryen's own printer
 * shows, each offset pointing at a br_if opcode (0x0D), and the module must stay valid.
 */
import { describe, expect, it } from "vitest";
import { emitBlockModule } from "../../translator/backend/compile-block.js";
import { SEMANTICS } from "../../translator/semantics/index.js";
import { semanticKey } from "../../translator/isa/opcodes.js";
import { decodeAll } from "../support/run-snippet.js";

function leb(bytes: Uint8Array, at: { n: number }): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at.n++]!;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return result;
    shift += 7;
  }
}

/** Sections as [id, content start, content end], custom sections with their name. */
function sections(bytes: Uint8Array) {
  const list: { id: number; name?: string; start: number; end: number }[] = [];
  const at = { n: 8 };
  while (at.n < bytes.length) {
    const id = bytes[at.n++]!;
    const size = leb(bytes, at);
    const start = at.n;
    let name: string | undefined;
    if (id === 0) {
      const length = leb(bytes, at);
      name = new TextDecoder().decode(bytes.subarray(at.n, at.n + length));
    }
    list.push({ id, name, start, end: start + size });
    at.n = start + size;
  }
  return list;
}

const SNIPPETS: Record<string, string> = {
  // mov eax, [ebx+8]; inc eax; mov [ebx+8], eax: a load and a store, each with its slow-path tests
  "load and store": "8b 43 08 40 89 43 08",
  // push ebp; mov ebp, esp; sub esp, 16; mov [ebp-4], eax; leave; ret: stack accesses and a return
  "stack frame": "55 89 e5 83 ec 10 89 45 fc c9 c3",
};

describe("branch hints of compiled regions", () => {
  for (const [name, code] of Object.entries(SNIPPETS)) {
    it(`${name}: every br_if hinted unlikely, at its offset`, () => {
      const instructions = decodeAll(code);
      const semantics = instructions.map((i) => SEMANTICS[semanticKey(i.row)]);
      const { bytes, text } = emitBlockModule(instructions, semantics, 0x1000, { code16: false, stack16: false, protectedMode: true, cpl: 0 }, { text: true, validate: true });
      expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)).toBe(true);
      const list = sections(bytes);
      const hintIndex = list.findIndex((s) => s.name === "metadata.code.branch_hint");
      const codeIndex = list.findIndex((s) => s.id === 10);
      expect(hintIndex).toBeGreaterThanOrEqual(0);
      expect(hintIndex).toBeLessThan(codeIndex);
      // Function bodies, by function index (imports come first: count them from the import section).
      const imports = list.find((s) => s.id === 2)!;
      const importedFunctions = (text!.match(/\(import "env" "[^"]+" \(func/g) ?? []).length;
      expect(imports).toBeDefined();
      const code10 = list[codeIndex]!;
      const at = { n: code10.start };
      const bodies: number[] = [];
      for (let n = leb(bytes, at); n > 0; n--) {
        const size = leb(bytes, at);
        bodies.push(at.n);
        at.n += size;
      }
      const hints = list[hintIndex]!;
      const h = { n: hints.start };
      const nameLength = leb(bytes, h);
      h.n += nameLength;
      let hinted = 0;
      for (let functions = leb(bytes, h); functions > 0; functions--) {
        const body = bodies[leb(bytes, h) - importedFunctions]!;
        for (let count = leb(bytes, h); count > 0; count--) {
          const offset = leb(bytes, h);
          expect(leb(bytes, h), "hint size").toBe(1);
          expect(bytes[h.n++], "unlikely").toBe(0);
          expect(bytes[body + offset], `opcode at body offset ${offset}`).toBe(0x0d);
          hinted++;
        }
      }
      expect(h.n).toBe(hints.end);
      expect(hinted).toBe((text!.match(/\(br_if /g) ?? []).length);
      expect(hinted).toBeGreaterThan(0);
    });
  }

  it("compilation hints: one byte per defined function (eager, optimizing tier), only when asked", () => {
    const instructions = decodeAll(SNIPPETS["load and store"]!);
    const semantics = instructions.map((i) => SEMANTICS[semanticKey(i.row)]);
    const mode = { code16: false, stack16: false, protectedMode: true, cpl: 0 };
    const plain = emitBlockModule(instructions, semantics, 0x1000, mode);
    expect(sections(plain.bytes).some((s) => s.name === "compilationHints")).toBe(false);
    const { bytes } = emitBlockModule(instructions, semantics, 0x1000, mode, { optimizeEagerly: true });
    expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)).toBe(true);
    const list = sections(bytes);
    const hintIndex = list.findIndex((s) => s.name === "compilationHints");
    const functionIndex = list.findIndex((s) => s.id === 3);
    const codeIndex = list.findIndex((s) => s.id === 10);
    // V8 reads the section only between the function and the code sections.
    expect(hintIndex).toBeGreaterThan(functionIndex);
    expect(hintIndex).toBeLessThan(codeIndex);
    const defined = leb(bytes, { n: list[functionIndex]!.start });
    const h = { n: list[hintIndex]!.start };
    const nameLength = leb(bytes, h);
    h.n += nameLength;
    expect(leb(bytes, h)).toBe(defined);
    // Strategy eager (2), baseline tier optimized (2 << 2), top tier optimized (2 << 4).
    expect([...bytes.subarray(h.n, list[hintIndex]!.end)]).toEqual(new Array(defined).fill(0b101010));
    // Everything else is the same module (the section adds its id, a one-byte size and its content).
    expect(bytes.length - plain.bytes.length).toBe(list[hintIndex]!.end - list[hintIndex]!.start + 2);
  });
});
