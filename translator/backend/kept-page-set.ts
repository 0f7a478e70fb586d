/**
 * A set of kept pages (memory-access.ts emitKeptAccess) that are forgotten together: the region's
 * stack page (forgotten at the function's entry) or an inner loop's pages (forgotten each time
 * control enters the loop's segment, loop-pages.ts). Each page is an i64 local with its linear base
 * and an i32 local with its host key. "No page" is 2^32, which no 32-bit address is in; a zeroed i64
 * would be page 0, so the set's pages are set to none where `complete()`'s statements go, and at
 * every reset point after a helper (empty blocks, filled once the set's pages are all known).
 */
import binaryen from "binaryen";
import { appendChild } from "./append-child.js";
import { NO_PAGE, type KeptPage } from "./memory-access.js";

type Expression = number;

export class KeptPageSet {
  private readonly pages: KeptPage[] = [];
  private readonly resets: Expression[] = [];

  constructor(
    private readonly m: binaryen.Module,
    private readonly newLocal: (type: number) => number,
  ) {}

  get size(): number {
    return this.pages.length;
  }

  /** A new page of the set. */
  add(): KeptPage {
    const page = { base: this.newLocal(binaryen.i64), key: this.newLocal(binaryen.i32) };
    this.pages.push(page);
    return page;
  }

  /** The set's first page, made at the first call (the region's one stack page). */
  first(): KeptPage {
    return this.pages[0] ?? this.add();
  }

  /** After a helper: the set's pages are forgotten (an empty block, filled by complete()). */
  resetPoint(): Expression {
    const point = this.m.block(null, [], binaryen.none);
    this.resets.push(point);
    return point;
  }

  /** Fills the reset points; returns the statements that set every page to none (none without pages). */
  complete(): Expression[] {
    for (const point of this.resets) for (const reset of this.none()) appendChild(point, reset);
    this.resets.length = 0;
    return this.none();
  }

  private none(): Expression[] {
    return this.pages.map((page) => this.m.local.set(page.base, this.m.i64.const(NO_PAGE as never)));
  }
}
