/**
 * Which bytes of guest code the guest keeps rewriting. A write that drops decoded blocks is counted
 * per dword; code patched again and again (a loop rewriting an immediate, a JIT inside the guest)
 * is left out of multi-block regions, so that each patch costs one small block and not every
 * region that reaches it. One-time patching (a kernel rewriting its call sites while it boots)
 * stays below the threshold.
 */
const REPEATED_WRITES = 3;
/** Dwords remembered at most; past it the history starts again (it only steers region formation). */
const MAX_TRACKED = 1 << 16;

export class PatchedCode {
  private readonly writes = new Map<number, number>();

  /** A write to [physical, physical + length) changed decoded code. */
  record(physical: number, length: number): void {
    if (this.writes.size >= MAX_TRACKED) this.writes.clear();
    for (let dword = physical >>> 2; dword <= (physical + length - 1) >>> 2; dword++) {
      this.writes.set(dword, (this.writes.get(dword) ?? 0) + 1);
    }
  }

  /** Whether code in [start, end) was patched repeatedly. */
  isVolatile(start: number, end: number): boolean {
    if (this.writes.size === 0) return false;
    for (let dword = start >>> 2; dword <= (end - 1) >>> 2; dword++) {
      if ((this.writes.get(dword) ?? 0) >= REPEATED_WRITES) return true;
    }
    return false;
  }
}
