/**
 * Where a shard's checkpoint may move: records are read in order but become durable out of order (each
 * partition's buffer flushes on its own), so the checkpoint is the last record before the first one that is
 * not durable yet.
 */
export class ShardProgress {
  private readonly pending: string[] = [];
  /** Kinesis arrival time of each pending record (same index). */
  private readonly arrivals: number[] = [];
  private readonly durable = new Set<string>();
  private head = 0;
  private safe: string | undefined;

  constructor(checkpoint?: string) {
    this.safe = checkpoint;
  }

  /** A record was read (call in shard order), with its Kinesis arrival time. */
  read(sequenceNumber: string, arrivalMs: number): void {
    this.pending.push(sequenceNumber);
    this.arrivals.push(arrivalMs);
  }

  /** A record is durable downstream (written, or dropped by the transform). */
  done(sequenceNumber: string): void {
    this.durable.add(sequenceNumber);
    while (this.head < this.pending.length && this.durable.has(this.pending[this.head] as string)) {
      const sequence = this.pending[this.head++] as string;
      this.durable.delete(sequence);
      this.safe = sequence;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.arrivals.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The last sequence number with every record up to it durable. */
  get checkpoint(): string | undefined {
    return this.safe;
  }

  /** When the oldest record not yet durable arrived on Kinesis; undefined when every record read is durable. */
  get oldestInFlightArrivalMs(): number | undefined {
    return this.head < this.pending.length ? this.arrivals[this.head] : undefined;
  }

  /** Records read and not yet durable. */
  get inFlight(): number {
    return this.pending.length - this.head;
  }
}
