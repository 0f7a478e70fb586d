/**
 * The region's stack page (memory-access.ts emitStackAccess): an i64 local with the linear base of
 * the page SS accesses last found writable, and an i32 local with its host key. "No page" is 2^32,
 * which no 32-bit address is in; a zeroed i64 would be page 0, so the function's entry sets it, and
 * so does every point after a helper (reset points, filled once the region is emitted and it is
 * known whether it has SS accesses at all).
 */
import binaryen from "binaryen";
import { appendChild } from "./append-child.js";
import { NO_PAGE, type KeptPage } from "./memory-access.js";

type Expression = number;


export class StackPage {
  private locals: KeptPage | null = null;
  private readonly resets: Expression[] = [];

  constructor(
    private readonly m: binaryen.Module,
    private readonly newLocal: (type: number) => number,
  ) {}

  /** The locals, made at the first SS access. */
  get(): KeptPage {
    this.locals ??= { base: this.newLocal(binaryen.i64), key: this.newLocal(binaryen.i32) };
    return this.locals;
  }

  /** A point where the page is forgotten (after a helper): an empty block, filled by complete(). */
  resetPoint(): Expression {
    const point = this.m.block(null, [], binaryen.none);
    this.resets.push(point);
    return point;
  }

  /** Fills the reset points; returns what the function's entry runs (nothing without SS accesses). */
  complete(): Expression[] {
    for (const point of this.resets) for (const reset of this.none()) appendChild(point, reset);
    return this.none();
  }

  private none(): Expression[] {
    return this.locals === null ? [] : [this.m.local.set(this.locals.base, this.m.i64.const(NO_PAGE as never))];
  }
}
