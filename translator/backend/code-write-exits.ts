/**
 * Leaving compiled code after a store that wrote over translated code. The store's slow path learns
 * it from the runtime (the write import returns State.codeChanged); the compiled run must then end
 * before the next instruction, as on hardware (SDM Vol.3 11.6: the write is seen by the following
 * instructions), and after the rest of this one: ADD to memory sets its flags after the store,
 * PUSH moves ESP after it, CALL jumps after it. So a slow path only leaves at once when nothing of
 * its instruction follows the store; otherwise it sets a flag local that the instruction tests where
 * it ends: before each of its control transfers (to leave with that target) and at its fall-through.
 *
 * The slow paths are emitted as empty blocks and filled when the instruction is complete (settle),
 * when it is known what followed them.
 */
import binaryen from "binaryen";
import { appendChild } from "./append-child.js";
import type { Value } from "./wasm-builder.js";

type Expression = number;

/** What the WasmBuilder provides. */
export interface CodeWriteContext {
  readonly m: binaryen.Module;
  /** Statements emitted so far in the whole function (any arm). */
  emitted(): number;
  /** The static flag state, compared by identity: a change means the instruction set flags. */
  flagState(): unknown;
  newLocal(): number;
  emit(expression: Expression): void;
  /** Leave with BlockExit.CodeChanged, going on at `target` (default: the next instruction). */
  exitCodeChanged(target?: Value): Expression;
  /**
   * Leave with BlockExit.CodeChanged from a store's slow path when nothing of the instruction
   * follows the store: the slow path stored the state the runtime sees (registers, flag record,
   * the next EIP, the retired count), and it is the exit's state, so only the code is returned.
   */
  exitFromSlowPath(): Expression;
}

interface Site {
  readonly block: Expression;
  readonly emitted: number;
  readonly flags: unknown;
}


export class CodeWriteExits {
  private sites: Site[] = [];
  /** Set when a store of the current instruction changed translated code and something followed it. */
  private leave = -1;
  /** Whether the current instruction tests `leave` anywhere (then every site sets it). */
  private deferred = false;

  constructor(private readonly c: CodeWriteContext) {}

  /** The slow path's action when the runtime says the store changed translated code. */
  site(): Expression {
    const block = this.c.m.block(null, [], binaryen.none);
    this.sites.push({ block, emitted: -1, flags: null });
    return block;
  }

  /** The store whose slow path was the last `site()` has been emitted. */
  storeEmitted(): void {
    const last = this.sites.pop();
    if (last !== undefined) this.sites.push({ block: last.block, emitted: this.c.emitted(), flags: this.c.flagState() });
  }

  /** The instruction transfers control to `target`: leave first if one of its stores changed code. */
  beforeTransfer(target: Value): void {
    if (this.sites.length === 0) return;
    this.deferred = true;
    this.c.emit(this.c.m.if(this.c.m.local.get(this.leaveLocal(), binaryen.i32), this.c.exitCodeChanged(target)));
  }

  /** The instruction is complete: fill its slow paths, and test the flag at its fall-through if needed. */
  settle(): void {
    if (this.sites.length === 0) return;
    const m = this.c.m;
    const followed = this.deferred || this.sites.some((s) => s.emitted !== this.c.emitted() || s.flags !== this.c.flagState());
    for (const s of this.sites) appendChild(s.block, followed ? m.local.set(this.leaveLocal(), m.i32.const(1)) : this.c.exitFromSlowPath());
    if (followed) this.c.emit(m.if(m.local.get(this.leaveLocal(), binaryen.i32), this.c.exitCodeChanged()));
    this.sites = [];
    this.deferred = false;
  }

  private leaveLocal(): number {
    if (this.leave < 0) this.leave = this.c.newLocal();
    return this.leave;
  }
}
