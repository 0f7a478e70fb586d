/** Malformed images each get an error that names what is wrong. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Machine } from "../../src/machine.js";
import { loadMultiboot } from "../../src/loaders/multiboot.js";
import { parseElf } from "../../src/loaders/elf.js";
import { ImageError } from "../../src/loaders/errors.js";
import { parseArguments, parseSize } from "../../src/cli/main.js";

const kernel = readFileSync("bench/guests/bin/hello.elf");

function corrupt(edit: (b: Buffer) => Buffer): Buffer {
  return edit(Buffer.from(kernel));
}

describe("multiboot and ELF loading errors", () => {
  const cases: [string, Buffer, RegExp][] = [
    ["empty file", Buffer.alloc(0), /no multiboot header/],
    ["no header", Buffer.alloc(9000), /no multiboot header/],
    ["truncated ELF", corrupt((b) => b.subarray(0, 0x1100)), /truncated/],
    ["bad checksum", corrupt((b) => { const at = b.indexOf(Buffer.from([0x02, 0xb0, 0xad, 0x1b])); b[at + 8] ^= 1; return b; }), /no multiboot header/],
    ["wrong machine", corrupt((b) => { b[18] = 0x3e; return b; }), /EM_386/],
    ["64-bit class", corrupt((b) => { b[4] = 2; return b; }), /ELFCLASS32/],
  ];
  for (const [name, image, message] of cases) {
    it(name, () => {
      const machine = new Machine({ ramSize: 4 << 20 });
      expect(() => loadMultiboot(machine.cpu, image)).toThrow(message);
    });
  }

  it("rejects a kernel that does not fit in RAM", () => {
    const machine = new Machine({ ramSize: 1 << 20 });
    expect(() => loadMultiboot(machine.cpu, kernel)).toThrow(ImageError);
  });

  it("parses the committed kernel's load segments", () => {
    const elf = parseElf(kernel);
    expect(elf.segments.length).toBeGreaterThan(0);
    expect(elf.segments[0]!.address).toBe(0x100000);
  });
});

describe("command line", () => {
  it.each([
    ["64M", 64 << 20],
    ["1G", 1 << 30],
    ["4096K", 4 << 20],
  ])("parses size %s", (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each([
    [["run"], /missing kernel/],
    [["boot", "x"], /unknown command/],
    [["run", "k", "--bogus"], /unknown option/],
    [["run", "k", "--mem"], /needs a value/],
    [["run", "k", "--mem", "12Q"], /invalid size/],
  ])("rejects %j", (args, message) => expect(() => parseArguments(args as string[])).toThrow(message));

  it.each([
    [["run", "k"], "translator", true],
    [["run", "k", "--foreground-compile"], "translator", false],
    [["run", "k", "--background-compile"], "translator", true],
    [["run", "k", "--tier", "interpreter"], "interpreter", true],
  ])("%j: tier and where hot code compiles", (args, tier, background) => {
    const options = parseArguments(args as string[]);
    expect(options.tier).toBe(tier);
    expect(options.background).toBe(background);
  });
});
