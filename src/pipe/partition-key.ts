import { createHash } from 'node:crypto';
import { InvalidOptionError } from '../errors/pipeline-error.ts';

/** Kinesis rejects partition keys longer than this. */
const MAX_PARTITION_KEY_LENGTH = 256;

export const ORDER_KEY_PATH = '$.dynamodb.Keys.orderid.S';
export const EVENT_ID_PATH = '$.eventID';

/**
 * The Pipe's `PartitionKey` as a JSON path into the record (`$.a.b.c`: dotted names only, which covers every
 * path into a stream record). Returns a function giving a record's key, or undefined when the path does not
 * lead to a non-empty string or number there.
 */
export function partitionKeyReader(path: string): (record: unknown) => string | undefined {
  if (!/^\$(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) {
    throw new InvalidOptionError(
      'pipe',
      `Partition key path ${JSON.stringify(path)} is not a dotted JSON path like ${ORDER_KEY_PATH} or ${EVENT_ID_PATH}.`,
    );
  }
  const names = path.split('.').slice(1);
  return (record) => {
    let value: unknown = record;
    for (const name of names) {
      if (typeof value !== 'object' || value === null) return undefined;
      value = (value as Record<string, unknown>)[name];
    }
    if (typeof value === 'number') value = String(value);
    if (typeof value !== 'string' || value === '') return undefined;
    // DynamoDB keys may be up to 2 KB; a digest keeps one key per item, hence its order, within Kinesis' limit.
    return value.length <= MAX_PARTITION_KEY_LENGTH
      ? value
      : createHash('sha256').update(value).digest('hex');
  };
}
