import type { PutCounters } from './kinesis-writer.ts';

export type ShardState = 'waiting-for-parent' | 'reading' | 'finished';

export interface ShardStatus {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  state: ShardState;
  recordsRead: number;
  /** The last sequence number safely on Kinesis (the checkpoint). */
  checkpoint: string | undefined;
  /**
   * How far the reader trails the source: now minus the creation time of the newest record read, 0 when
   * the last read found the shard's tip. DynamoDB Local truncates creation times to the minute, so locally
   * this over-reports by up to 60 s while records flow.
   */
  millisBehind: number;
}

/** What the pipe has done, for `status`, the dashboard and the tests. */
export class PipeMetrics {
  recordsRead = 0;
  recordsPut = 0;
  /** Records sent again after a crash: they may already have been on Kinesis (duplicates downstream). */
  replayed = 0;
  /** Iterators renewed after expiring (15 min unused) or a transient trim error. */
  iteratorsRenewed = 0;
  /** Data trimmed from the source before it was read: real loss upstream of us, reported loudly. */
  gaps = 0;
  /** Records whose partition key path found nothing: keyed by eventID instead. */
  partitionKeyFallbacks = 0;
  readonly put: PutCounters = { calls: 0, entriesRetried: 0, callsRetried: 0 };
  readonly shards = new Map<string, ShardStatus>();

  /** The largest lag over shards still being read. */
  get millisBehind(): number {
    let behind = 0;
    for (const shard of this.shards.values())
      if (shard.state === 'reading') behind = Math.max(behind, shard.millisBehind);
    return behind;
  }
}
