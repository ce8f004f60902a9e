/**
 * One live line on stderr: rewritten in place on a terminal, printed every `plainIntervalMs` otherwise
 * (so logs and CI output stay readable).
 */
export class StatusLine {
  private lastPlain = 0;
  private lastDraw = 0;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly plainIntervalMs = 5_000,
    private readonly drawIntervalMs = 100,
  ) {}

  update(text: string, force = false): void {
    const now = performance.now();
    if (this.stream.isTTY) {
      if (!force && now - this.lastDraw < this.drawIntervalMs) return;
      this.lastDraw = now;
      const width = this.stream.columns || 120;
      this.stream.write(`\r${text.slice(0, width - 1).padEnd(Math.min(width - 1, text.length + 10))}`);
      this.shown = true;
    } else if (force || now - this.lastPlain >= this.plainIntervalMs) {
      this.lastPlain = now;
      this.stream.write(`${text}\n`);
    }
  }

  /** Ends the live line so the next output starts on a fresh line. */
  done(): void {
    if (this.shown) this.stream.write('\n');
    this.shown = false;
  }
}

export function progressBar(done: number, total: number, width = 24): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
}
