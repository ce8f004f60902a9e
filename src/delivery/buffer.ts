/**
 * Firehose-style buffering hints: a buffer is due when it holds at least `sizeBytes`, or when its oldest
 * entry has waited `intervalMs`. Used twice by the delivery: before the transform (processor buffer) and
 * per destination partition before an object is written.
 */
export interface BufferingHints {
  readonly sizeBytes: number;
  readonly intervalMs: number;
}

export class HintedBuffer<T> {
  private entries: T[] = [];
  private bytes = 0;
  private since = 0;

  constructor(private readonly hints: BufferingHints) {}

  get size(): number {
    return this.entries.length;
  }

  get byteSize(): number {
    return this.bytes;
  }

  add(entry: T, bytes: number, now: number): void {
    if (this.entries.length === 0) this.since = now;
    this.entries.push(entry);
    this.bytes += bytes;
  }

  /** Whether a hint is met: enough bytes, or the oldest entry waited long enough. */
  isDue(now: number): boolean {
    return (
      this.entries.length > 0 &&
      (this.bytes >= this.hints.sizeBytes || now - this.since >= this.hints.intervalMs)
    );
  }

  /** When the interval hint will be met (Infinity when empty). */
  dueAt(): number {
    return this.entries.length === 0 ? Number.POSITIVE_INFINITY : this.since + this.hints.intervalMs;
  }

  take(): T[] {
    const entries = this.entries;
    this.entries = [];
    this.bytes = 0;
    return entries;
  }
}
