/**
 * The committed guest kernels run to completion under the Machine. Expected checksums come from
 * Node's zlib (CRC-32) and a direct Adler-32, not from the emulator.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import { Machine } from "../../src/machine.js";
import { loadMultiboot } from "../../src/loaders/multiboot.js";

function runKernel(path: string, cmdline = "") {
  const machine = new Machine({ ramSize: 32 << 20 });
  loadMultiboot(machine.cpu, readFileSync(path), { cmdline });
  const result = machine.run({ maxInstructions: 50_000_000 });
  return { result, text: machine.serialText() };
}

function checksumBuffer(): Buffer {
  const b = Buffer.alloc(4096);
  for (let i = 0; i < b.length; i++) b[i] = (i * 7 + (i >> 8)) & 0xff;
  return b;
}

function adler32(data: Uint8Array): number {
  let a = 1, b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const hex8 = (v: number) => (v >>> 0).toString(16).padStart(8, "0");

describe("guest kernels", () => {
  it("hello.elf prints its banner, boot information and results, then halts", () => {
    const { result, text } = runKernel("bench/guests/bin/hello.elf", "quiet console=ttyS0");
    expect(result.reason).toBe("halt-forever");
    expect(text).toContain("Hello from a warp86 guest!");
    expect(text).toContain("multiboot magic: 0x2badb002");
    expect(text).toContain("memory: 639 KiB low, 31744 KiB high");
    expect(text).toContain("command line: quiet console=ttyS0");
    expect(text).toContain("fib(25) = 75025");
  });

  it("paging-test.elf: checksums, demand paging, write protection, 4 MiB pages", () => {
    const { result, text } = runKernel("bench/guests/bin/paging-test.elf");
    const buffer = checksumBuffer();
    expect(text).toContain(`crc32 ${hex8(crc32(buffer))}`);
    expect(text).toContain(`adler32 ${hex8(adler32(buffer))}`);
    expect(text).not.toContain("FAIL");
    expect(text).toContain("paging test passed");
    expect(result).toMatchObject({ reason: "debug-exit", exitStatus: 1 });
  });
});
