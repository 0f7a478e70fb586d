/**
 * Every semantic function, keyed by the opcode table's semantic key. Both tiers look instructions up
 * here; a key in the table without an entry decodes but raises #UD (the coverage test lists them).
 */
import type { Semantic } from "./builder.js";

export const SEMANTICS: Record<string, Semantic | undefined> = {};
