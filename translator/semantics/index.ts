/**
 * Every semantic function, keyed by the opcode table's semantic key. Both tiers look instructions up
 * here; a key in the table without an entry decodes but raises #UD (the coverage test lists them).
 */
import type { Semantic } from "./builder.js";
import { arithmeticSemantics } from "./arithmetic.js";
import { shiftSemantics } from "./shift.js";
import { multiplySemantics } from "./multiply.js";
import { bitSemantics } from "./bits.js";
import { moveSemantics } from "./move.js";
import { flagAndDecimalSemantics } from "./flags-and-bcd.js";
import { stackSemantics } from "./stack.js";
import { controlSemantics } from "./control.js";
import { stringSemantics } from "./string.js";
import { systemSemantics } from "./system.js";

export const SEMANTICS: Record<string, Semantic | undefined> = {
  ...arithmeticSemantics,
  ...shiftSemantics,
  ...multiplySemantics,
  ...bitSemantics,
  ...moveSemantics,
  ...flagAndDecimalSemantics,
  ...stackSemantics,
  ...controlSemantics,
  ...stringSemantics,
  ...systemSemantics,
};
