import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { type BackoffPolicy, backoffDelayMs, isRetryableAwsError, sleep } from '../aws/backoff.ts';

export interface KinesisEntry {
  readonly data: Uint8Array;
  readonly partitionKey: string;
}

/** What putting took, for the pipe's metrics. */
export interface PutCounters {
  calls: number;
  /** Entries sent again after Kinesis failed them alone (ErrorCode in a PutRecords answer). */
  entriesRetried: number;
  /** Whole calls refused for throttling or a server error, then retried. */
  callsRetried: number;
}

/** Kinesis' PutRecords limits: 500 entries and 5 MiB (data plus partition keys) per call. */
export const MAX_ENTRIES_PER_CALL = 500;
const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;

/**
 * Groups entries into PutRecords calls in which no partition key appears twice. Kinesis may fail any entry
 * alone; retrying only the failed ones before the next call then keeps every key's records in order, with no
 * duplicates (two records of one key in one call could land swapped when only the first fails).
 * Each key's records go to later and later calls, in their order; other keys fill the calls up.
 */
export function planPutCalls(
  entries: readonly KinesisEntry[],
  maxEntries = MAX_ENTRIES_PER_CALL,
): number[][] {
  const calls: Array<{ indexes: number[]; bytes: number }> = [];
  const lastCallOfKey = new Map<string, number>();
  entries.forEach((entry, index) => {
    const bytes = entry.data.byteLength + Buffer.byteLength(entry.partitionKey);
    let call = (lastCallOfKey.get(entry.partitionKey) ?? -1) + 1;
    for (; ; call++) {
      const target = calls[call];
      if (!target) {
        calls[call] = { indexes: [index], bytes };
        break;
      }
      if (target.indexes.length < maxEntries && target.bytes + bytes <= MAX_BYTES_PER_CALL) {
        target.indexes.push(index);
        target.bytes += bytes;
        break;
      }
    }
    lastCallOfKey.set(entry.partitionKey, call);
  });
  return calls.map((call) => call.indexes);
}

/**
 * Puts every entry on the stream, each key's entries in order. Failed entries are retried alone and
 * throttled or failed calls whole, with jittered backoff, as long as it takes (a Pipe's default
 * MaximumRetryAttempts is -1: until the record expires). Only an abort or an error that retrying cannot fix
 * (a missing stream, bad credentials) ends it early, by throwing: the caller must not checkpoint then.
 */
export async function putInOrder(
  kinesis: Pick<KinesisClient, 'send'>,
  streamName: string,
  entries: readonly KinesisEntry[],
  options: {
    backoff: BackoffPolicy;
    counters: PutCounters;
    signal?: AbortSignal;
    maxEntriesPerCall?: number;
  },
): Promise<void> {
  const { backoff, counters, signal } = options;
  for (const call of planPutCalls(entries, options.maxEntriesPerCall)) {
    let pending: PutRecordsRequestEntry[] = call.map((index) => {
      const entry = entries[index] as KinesisEntry;
      return { Data: entry.data, PartitionKey: entry.partitionKey };
    });
    for (let attempt = 1; pending.length > 0; attempt++) {
      signal?.throwIfAborted();
      counters.calls++;
      try {
        const answer = await kinesis.send(
          new PutRecordsCommand({ StreamName: streamName, Records: pending }),
          {
            abortSignal: signal,
          },
        );
        const failed = pending.filter((_, i) => answer.Records?.[i]?.ErrorCode !== undefined);
        if (failed.length === 0) break;
        counters.entriesRetried += failed.length;
        pending = failed;
      } catch (error) {
        if (signal?.aborted || !isRetryableAwsError(error)) throw error;
        counters.callsRetried++;
      }
      await sleep(backoffDelayMs(attempt, backoff), signal);
    }
  }
  signal?.throwIfAborted();
}
