/**
 * The benchmark guests' protocol on COM1 (bench/guests/src/workloads/bench.h): "BENCH START" when the
 * timed work begins, "BENCH END <checksum>" when it is done, each on a line of its own (the UART may
 * add a carriage return). Every emulator the bench runs (warp86 itself, QEMU, v86) is timed between
 * the two lines as they arrive, with this one reader.
 */
export class SerialMarkers {
  private text = "";
  started = 0n;
  ended = 0n;

  /** Serial output as it arrives (a byte or a chunk), timestamped now. */
  feed(output: string): void {
    const now = process.hrtime.bigint();
    this.text += output;
    if (!output.includes("\n")) return;
    if (this.started === 0n && /BENCH START\r?\n/.test(this.text)) this.started = now;
    if (this.ended === 0n && /BENCH END \w+\r?\n/.test(this.text)) this.ended = now;
  }

  get done(): boolean {
    return this.ended !== 0n;
  }

  /** Seconds between the two lines. */
  get seconds(): number {
    return Number(this.ended - this.started) / 1e9;
  }

  get checksum(): string | null {
    return /BENCH END (\w+)/.exec(this.text)?.[1] ?? null;
  }

  /** The last output, for error messages. */
  tail(): string {
    return this.text.slice(-200);
  }
}

/** Median of repeated timings (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
