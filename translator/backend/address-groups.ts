/**
 * Accesses that share a page, found while emitting straight-line code. Addresses are tracked as a
 * root value (a register as read, a wasm local assigned once in program order) plus a constant: the
 * stack slots `0x4c(%esp)`, `0x50(%esp)`, a PUSH's `ESP - 4` and the POP after it are one root at
 * different offsets. The first access of a root at the top level of the code does the full shadow-TLB
 * probe and keeps what it learnt in two locals, the page and its host key (only a page the region's
 * privilege may write, so that it serves reads and writes); a later access of the same root tests
 * only that its address is still in that page (one XOR and one compare, memory-access.ts) and goes
 * to the full probe when it is not, which keeps the new page.
 *
 * Why the kept page stays right: the shadow TLB is direct-mapped, so the page's entry changes only by
 * its own fill (which can only add rights), a flush or a code-page change; flushes happen only in
 * helpers that end the block (CR writes, INVLPG, segment loads), a page becomes code only when the
 * runtime decodes it, between regions, and a store that makes a page stop being code leaves the
 * region. Everything that can change a register or a root behind the tracking's back ends it:
 * entry points (control arrives from elsewhere), helpers (registers reloaded) and conditional arms
 * that wrote a register or read a new root.
 */
import type { Value } from "./wasm-builder.js";
import type { KeptPage } from "./memory-access.js";

/** A value known as a root local plus a constant. */
export interface Derivation {
  readonly root: number;
  readonly offset: number;
}

/** What the first access of a root left, in locals: its page (i64, NO_PAGE when the probe missed) and host key. */
export type PageGroup = KeptPage;

export class AddressGroups {
  private readonly registers: (Derivation | undefined)[] = new Array(8);
  private readonly derived = new Map<number, Derivation>();
  private readonly groups = new Map<number, PageGroup>();
  /** Conditional arms being emitted (nothing made inside one outlives it). */
  private depth = 0;
  /** Something inside the current arms changed a register or made a root: forget all at their end. */
  private changedInArm = false;

  derivation(value: Value): Derivation | undefined {
    if ("constant" in value) return undefined;
    return this.derived.get(value.local);
  }

  /** Register `n` (all 32 bits) was read into `copy`. */
  registerRead(n: number, copy: number): void {
    let d = this.registers[n];
    if (d === undefined) {
      d = { root: copy, offset: 0 };
      this.registers[n] = d;
      if (this.depth > 0) this.changedInArm = true;
    }
    this.derived.set(copy, d);
  }

  /** Register `n` was written (any width): its derivation is the value's when all 32 bits are. */
  registerWritten(n: number, value: Value | null): void {
    const d = value === null ? undefined : this.derivation(value);
    this.registers[n] = d;
    if (this.depth > 0) this.changedInArm = true;
  }

  /** `result` = `a` + `constant` (a new local). */
  added(result: Value, a: Value, constant: number): void {
    const d = this.derivation(a);
    if (d === undefined || "constant" in result) return;
    this.derived.set(result.local, { root: d.root, offset: (d.offset + constant) | 0 });
  }

  /** The group an access at `d` can use (made at the top level, in this straight-line code). */
  usable(d: Derivation): PageGroup | undefined {
    return this.groups.get(d.root);
  }

  /** Whether an access at `d` may make a group (only at the top level: it must dominate the uses). */
  canMake(): boolean {
    return this.depth === 0;
  }

  make(d: Derivation, group: PageGroup): void {
    this.groups.set(d.root, group);
  }

  forget(): void {
    this.registers.fill(undefined);
    this.derived.clear();
    this.groups.clear();
  }

  enterArm(): void {
    this.depth++;
  }

  leaveArm(): void {
    this.depth--;
    if (this.depth === 0 && this.changedInArm) {
      this.forget();
      this.changedInArm = false;
    }
  }
}
