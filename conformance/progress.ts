/** A progress bar on stderr for long runs (silent when stderr is not a terminal, except at the end). */
export class Progress {
  private count = 0;
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(private readonly label: string, private readonly total: number) {}

  tick(): void {
    this.count++;
    const now = Date.now();
    if (now - this.lastDraw < 200 && this.count !== this.total) return;
    this.lastDraw = now;
    const fraction = this.total ? this.count / this.total : 1;
    const bar = "#".repeat(Math.round(fraction * 30)).padEnd(30, ".");
    const line = `${this.label} [${bar}] ${this.count}/${this.total} ${((now - this.started) / 1000).toFixed(1)}s`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
    else if (this.count % Math.max(1, Math.floor(this.total / 10)) === 0) process.stderr.write(`${line}\n`);
  }

  done(): void {
    if (process.stderr.isTTY) process.stderr.write("\n");
  }
}
