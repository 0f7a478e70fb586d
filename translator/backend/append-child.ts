/**
 * Add a child to a Binaryen block built earlier: the emitter leaves empty blocks at points whose
 * contents are known only later (spills, slow-path exits, kept-page resets) and fills them then.
 * binaryen.js has `Block.appendChild`; its typings do not.
 */
import binaryen from "binaryen";

type Expression = number;

export const appendChild = (binaryen as unknown as { Block: { appendChild(block: Expression, child: Expression): number } }).Block.appendChild;
