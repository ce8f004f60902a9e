import { PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import type { PipesRecord } from '../../src/pipe/pipes-record.ts';

/** One record as the Kinesis fake got it. */
export interface PutEntry {
  readonly partitionKey: string;
  readonly eventID: string;
  readonly sequenceNumber: string;
}

/** A Kinesis stream that takes every PutRecords whole and keeps its entries in arrival order. */
export class MemoryKinesis {
  readonly entries: PutEntry[] = [];
  /** PutRecords calls waiting on `hold()`. */
  waiting = 0;
  private gate: Promise<void> | undefined;

  /** Holds every PutRecords call from now until `release` (to stop a pipe in the middle of a delivery). */
  hold(): { release(): void } {
    let release = () => {};
    this.gate = new Promise((resolve) => {
      release = resolve;
    });
    return { release };
  }

  async send(command: unknown): Promise<PutRecordsCommandOutput> {
    if (!(command instanceof PutRecordsCommand)) throw new Error('MemoryKinesis answers PutRecords only');
    if (this.gate) {
      this.waiting++;
      await this.gate;
      this.waiting--;
    }
    const records = command.input.Records ?? [];
    const first = this.entries.length;
    for (const { Data, PartitionKey } of records) {
      const json = JSON.parse(Buffer.from(Data ?? new Uint8Array()).toString('utf8')) as PipesRecord;
      this.entries.push({
        partitionKey: PartitionKey ?? '',
        eventID: json.eventID,
        sequenceNumber: json.dynamodb.SequenceNumber,
      });
    }
    return {
      $metadata: {},
      FailedRecordCount: 0,
      Records: records.map((_, i) => ({
        SequenceNumber: String(first + i),
        ShardId: 'shardId-000000000000',
      })),
    };
  }
}
