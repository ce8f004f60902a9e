import {
  type _Record,
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';

interface ScriptedShard {
  readonly parent: string | undefined;
  readonly records: _Record[];
  closed: boolean;
  /** Records before this index are trimmed for good. */
  trimmedBelow: number;
  /** Spurious trim errors still to raise (DynamoDB Local does this). */
  transientTrims: number;
}

interface Iterator {
  readonly shardId: string;
  readonly index: number;
  readonly generation: number;
}

/**
 * An in-memory DynamoDB Streams API for the lineage cases DynamoDB Local never produces: split shards,
 * shards closing while read, new shards, expired iterators, trimmed data. Answers DescribeStream (paged two
 * shards at a time), GetShardIterator and GetRecords as the SDK would, and logs every read.
 */
export class ScriptedStreams {
  readonly reads: Array<{ shardId: string; count: number; end: boolean }> = [];
  private readonly shards = new Map<string, ScriptedShard>();
  private sequence = 100_000_000_000_000_000_000n;
  private generation = 0;
  private expiredBelow = 0;

  addShard(shardId: string, parent?: string): this {
    this.shards.set(shardId, { parent, records: [], closed: false, trimmedBelow: 0, transientTrims: 0 });
    return this;
  }

  /** Appends `count` INSERT records for orders `<shardId>-<n>`; returns their sequence numbers. */
  append(shardId: string, count: number): string[] {
    const shard = this.shard(shardId);
    return Array.from({ length: count }, () => {
      this.sequence += 10n;
      const n = shard.records.length;
      const orderid = { S: `${shardId}-order-${n}` };
      const SequenceNumber = String(this.sequence);
      shard.records.push({
        eventID: `${shardId}-event-${n}`,
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          ApproximateCreationDateTime: new Date(Date.UTC(2026, 10, 22, 8, 0, 0)),
          Keys: { orderid },
          NewImage: { orderid, quantity: { N: String(n + 1) } },
          SequenceNumber,
          SizeBytes: 40,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      });
      return SequenceNumber;
    });
  }

  close(shardId: string): void {
    this.shard(shardId).closed = true;
  }

  /** Every iterator handed out so far expires (as after 15 minutes unused). */
  expireIterators(): void {
    this.expiredBelow = ++this.generation;
  }

  /** The next `count` calls touching the shard fail with a spurious TrimmedDataAccessException. */
  trimOnce(shardId: string, count: number): void {
    this.shard(shardId).transientTrims = count;
  }

  /** Records before `sequenceNumber` are gone for good (past the stream's retention). */
  trimBefore(shardId: string, sequenceNumber: string): void {
    const shard = this.shard(shardId);
    shard.trimmedBelow = shard.records.findIndex((r) => r.dynamodb?.SequenceNumber === sequenceNumber);
  }

  async send(command: unknown): Promise<unknown> {
    if (command instanceof DescribeStreamCommand) return this.describe(command.input.ExclusiveStartShardId);
    if (command instanceof GetShardIteratorCommand) {
      const { ShardId, ShardIteratorType, SequenceNumber } = command.input;
      const shard = this.shard(ShardId as string);
      this.spuriousTrim(shard);
      let index = shard.trimmedBelow;
      if (ShardIteratorType === 'LATEST') index = shard.records.length;
      if (ShardIteratorType === 'AFTER_SEQUENCE_NUMBER' || ShardIteratorType === 'AT_SEQUENCE_NUMBER') {
        const at = shard.records.findIndex((r) => r.dynamodb?.SequenceNumber === SequenceNumber);
        index = ShardIteratorType === 'AT_SEQUENCE_NUMBER' ? at : at + 1;
        if (at < 0 || index < shard.trimmedBelow) throw trimmed(`${SequenceNumber} is past the trim horizon`);
      }
      return {
        ShardIterator: this.iterator({ shardId: ShardId as string, index, generation: this.generation }),
      };
    }
    if (command instanceof GetRecordsCommand) {
      const iterator = JSON.parse(command.input.ShardIterator as string) as Iterator;
      if (iterator.generation < this.expiredBelow) {
        throw new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} });
      }
      const shard = this.shard(iterator.shardId);
      this.spuriousTrim(shard);
      if (iterator.index < shard.trimmedBelow) throw trimmed('the iterator points to trimmed data');
      const records = shard.records.slice(iterator.index, iterator.index + (command.input.Limit ?? 1000));
      const next = iterator.index + records.length;
      const end = shard.closed && next >= shard.records.length;
      this.reads.push({ shardId: iterator.shardId, count: records.length, end });
      return {
        Records: records,
        NextShardIterator: end ? undefined : this.iterator({ ...iterator, index: next }),
      };
    }
    throw new Error(`ScriptedStreams does not answer ${String(command)}`);
  }

  private describe(exclusiveStart: string | undefined) {
    const ids = [...this.shards.keys()];
    const from = exclusiveStart === undefined ? 0 : ids.indexOf(exclusiveStart) + 1;
    const page = ids.slice(from, from + 2);
    return {
      StreamDescription: {
        Shards: page.map((ShardId) => {
          const shard = this.shard(ShardId);
          return {
            ShardId,
            ParentShardId: shard.parent,
            SequenceNumberRange: {
              StartingSequenceNumber: shard.records[0]?.dynamodb?.SequenceNumber ?? '1',
              ...(shard.closed && {
                EndingSequenceNumber: shard.records.at(-1)?.dynamodb?.SequenceNumber ?? '1',
              }),
            },
          };
        }),
        LastEvaluatedShardId: from + 2 < ids.length ? page.at(-1) : undefined,
      },
    };
  }

  private iterator(iterator: Iterator): string {
    return JSON.stringify(iterator);
  }

  private spuriousTrim(shard: ScriptedShard): void {
    if (shard.transientTrims > 0) {
      shard.transientTrims--;
      throw trimmed('spurious');
    }
  }

  private shard(shardId: string): ScriptedShard {
    const shard = this.shards.get(shardId);
    if (!shard) throw new Error(`no scripted shard ${shardId}`);
    return shard;
  }
}

function trimmed(message: string) {
  return new TrimmedDataAccessException({ message, $metadata: {} });
}

/** A Kinesis that accepts every PutRecords and remembers what it got, in order. */
export class RecordingKinesis {
  readonly put: Array<{ partitionKey: string; eventID: string; sequenceNumber: string }> = [];
  private gate: { after: number; opened: Promise<void> } | undefined;

  /** Holds every PutRecords call once `after` entries are in, until the returned function is called. */
  holdAfter(after: number): () => void {
    let open = () => {};
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.gate = { after, opened };
    return open;
  }

  async send(command: unknown): Promise<unknown> {
    if (!(command instanceof PutRecordsCommand))
      throw new Error(`RecordingKinesis does not answer ${String(command)}`);
    if (this.gate && this.put.length >= this.gate.after) await this.gate.opened;
    const entries = command.input.Records ?? [];
    for (const entry of entries) {
      const record = JSON.parse(Buffer.from(entry.Data as Uint8Array).toString('utf8'));
      this.put.push({
        partitionKey: entry.PartitionKey as string,
        eventID: record.eventID,
        sequenceNumber: record.dynamodb.SequenceNumber,
      });
    }
    return {
      FailedRecordCount: 0,
      Records: entries.map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-0' })),
    };
  }
}
