import {
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  ProvisionedThroughputExceededException,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  type KinesisClient,
  ProvisionedThroughputExceededException as KinesisThroughputExceeded,
  type PutRecordsCommandInput,
  type PutRecordsCommandOutput,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { SeededRandom } from '../../src/generator/seeded-random.ts';

export interface FaultCounts {
  unprocessed: number;
  throttledRequests: number;
}

/**
 * Makes a real DynamoDB client misbehave like DynamoDB under load: BatchWriteItem forwards only part of its
 * items to the server and returns the rest as UnprocessedItems, and some requests fail whole with
 * ProvisionedThroughputExceededException before reaching the server. Seeded, so runs repeat.
 */
export function injectWriteFaults(
  client: DynamoDBClient,
  options: { unprocessedShare: number; throttleShare: number; seed: string },
): FaultCounts {
  const random = new SeededRandom(options.seed);
  const counts: FaultCounts = { unprocessed: 0, throttledRequests: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = context.commandName;
      if (
        operation !== 'BatchWriteItemCommand' &&
        operation !== 'PutItemCommand' &&
        operation !== 'DeleteItemCommand'
      ) {
        return next(args);
      }
      if (random.chance(options.throttleShare)) {
        counts.throttledRequests++;
        throw new ProvisionedThroughputExceededException({
          message: 'injected throttling',
          $metadata: { httpStatusCode: 400 },
        });
      }
      if (operation !== 'BatchWriteItemCommand') return next(args);
      const input = args.input as { RequestItems: Record<string, WriteRequest[]> };
      const held: Record<string, WriteRequest[]> = {};
      const sent: Record<string, WriteRequest[]> = {};
      for (const [table, requests] of Object.entries(input.RequestItems)) {
        for (const request of requests) {
          const bucket = random.chance(options.unprocessedShare) ? held : sent;
          bucket[table] = [...(bucket[table] ?? []), request];
        }
      }
      const heldCount = Object.values(held).flat().length;
      counts.unprocessed += heldCount;
      const result =
        Object.keys(sent).length > 0
          ? await next({ ...args, input: { ...input, RequestItems: sent } })
          : undefined;
      const output = (result?.output ?? { $metadata: {} }) as BatchWriteItemCommandOutput;
      return {
        response: result?.response,
        output: { ...output, UnprocessedItems: heldCount > 0 ? held : {} },
      };
    },
    { step: 'initialize', name: 'injectWriteFaults' },
  );
  return counts;
}

export interface KinesisFaultCounts {
  failedEntries: number;
  throttledCalls: number;
}

/**
 * Makes a real Kinesis client misbehave like Kinesis under load: PutRecords forwards only part of its entries
 * and answers the rest with a per-entry ErrorCode (ProvisionedThroughputExceededException or InternalFailure),
 * and some calls fail whole with ProvisionedThroughputExceededException. Seeded, so runs repeat.
 */
export function injectKinesisPutFaults(
  client: KinesisClient,
  options: { failedEntryShare: number; throttleShare: number; seed: string },
): KinesisFaultCounts {
  const random = new SeededRandom(options.seed);
  const counts: KinesisFaultCounts = { failedEntries: 0, throttledCalls: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutRecordsCommand') return next(args);
      if (random.chance(options.throttleShare)) {
        counts.throttledCalls++;
        throw new KinesisThroughputExceeded({
          message: 'injected throttling',
          $metadata: { httpStatusCode: 400 },
        });
      }
      const input = args.input as PutRecordsCommandInput;
      const entries = input.Records ?? [];
      const fails = entries.map(() => random.chance(options.failedEntryShare));
      const passing = entries.filter((_, i) => !fails[i]);
      const result =
        passing.length > 0 ? await next({ ...args, input: { ...input, Records: passing } }) : undefined;
      const answered = [...((result?.output as PutRecordsCommandOutput | undefined)?.Records ?? [])];
      const records: PutRecordsResultEntry[] = fails.map((failed, i) =>
        failed
          ? {
              ErrorCode: i % 2 === 0 ? 'ProvisionedThroughputExceededException' : 'InternalFailure',
              ErrorMessage: 'injected entry failure',
            }
          : (answered.shift() as PutRecordsResultEntry),
      );
      const failedCount = fails.filter(Boolean).length;
      counts.failedEntries += failedCount;
      return {
        response: result?.response,
        output: {
          $metadata: {},
          ...(result?.output ?? {}),
          FailedRecordCount: failedCount,
          Records: records,
        },
      };
    },
    { step: 'initialize', name: 'injectKinesisPutFaults' },
  );
  return counts;
}
