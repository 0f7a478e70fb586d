/**
 * The jump cache is filled from JavaScript (jumpCacheIndex) and read from wasm (emitEntryAddress):
 * the two hashes must agree, or every dispatcher lookup would miss (correct, but silently slow).
 */
import { describe, expect, it } from "vitest";
import binaryen from "binaryen";
import { emitEntryAddress, jumpCacheIndex } from "../../translator/cache/jump-cache.js";
import { JUMP_CACHE_BASE, JUMP_CACHE_ENTRY_SIZE } from "../../runtime/state/layout.js";

function wasmEntryAddress(): (eip: number) => number {
  const m = new binaryen.Module();
  m.addFunction("address", binaryen.createType([binaryen.i32]), binaryen.i32, [], emitEntryAddress(m, () => m.local.get(0, binaryen.i32)));
  m.addFunctionExport("address", "address");
  const bytes = m.emitBinary();
  m.dispose();
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports.address as (eip: number) => number;
}

describe("jump cache hash", () => {
  it("is the same in JavaScript and in wasm", () => {
    const address = wasmEntryAddress();
    const eips = [0, 1, 0xfff, 0x1000, 0x100080, 0x7fffffff, 0x80000000, 0xffffffff, 0xc0100000, 0x12345678];
    for (let n = 0; n < 1000; n++) eips.push((Math.imul(n, 0x9e3779b1) ^ (n << 7)) >>> 0);
    const mismatches = eips.filter((eip) => address(eip | 0) >>> 0 !== JUMP_CACHE_BASE + jumpCacheIndex(eip) * JUMP_CACHE_ENTRY_SIZE);
    expect(mismatches).toEqual([]);
  });
});
