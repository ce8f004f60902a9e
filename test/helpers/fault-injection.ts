import {
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  ProvisionedThroughputExceededException,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
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
