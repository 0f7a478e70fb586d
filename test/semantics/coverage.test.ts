/**
 * Every row of the opcode table has a semantic function, unless the row says it is decoded only
 * (x87 until the FPU lands, SIMD): the list of such rows is printed so it cannot grow silently.
 */
import { describe, expect, it } from "vitest";
import { OPCODES, semanticKey } from "../../translator/isa/opcodes.js";
import { SEMANTICS } from "../../translator/semantics/index.js";

describe("semantic coverage of the opcode table", () => {
  const implementedRows = OPCODES.filter((row) => !row.unimplemented);
  const decodedOnly = OPCODES.filter((row) => row.unimplemented);

  it("has a semantic function for every implemented row", () => {
    const missing = [...new Set(implementedRows.map(semanticKey).filter((key) => SEMANTICS[key] === undefined))];
    expect(missing).toEqual([]);
  });

  it("marks only x87 and SIMD rows as decoded-only", () => {
    const classes = new Set(decodedOnly.map((row) => row.class));
    for (const c of classes) expect(["x87", "simd"]).toContain(c);
    console.info(`decoded-only rows: ${decodedOnly.length} (${[...classes].join(", ")})`);
  });

  it("has no semantic function that no row names", () => {
    const keys = new Set(OPCODES.map(semanticKey));
    const orphans = Object.keys(SEMANTICS).filter((key) => !keys.has(key));
    expect(orphans).toEqual([]);
  });
});
