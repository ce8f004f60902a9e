import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors/pipeline-error.ts';
import { EVENT_ID_PATH, ORDER_KEY_PATH, partitionKeyReader } from './partition-key.ts';

const record = { eventID: 'ev-1', dynamodb: { Keys: { orderid: { S: 'ORD-1' } }, SizeBytes: 12 } };

describe('partitionKeyReader', () => {
  it('reads the order key by default path and the eventID when asked', () => {
    expect(partitionKeyReader(ORDER_KEY_PATH)(record)).toBe('ORD-1');
    expect(partitionKeyReader(EVENT_ID_PATH)(record)).toBe('ev-1');
    expect(partitionKeyReader('$.dynamodb.SizeBytes')(record)).toBe('12');
  });

  it('finds nothing where the path leads nowhere or to no text', () => {
    expect(partitionKeyReader('$.dynamodb.Keys.customer.S')(record)).toBeUndefined();
    expect(partitionKeyReader('$.dynamodb.Keys')(record)).toBeUndefined();
  });

  it('keeps long keys within Kinesis’ 256 characters, one digest per key', () => {
    const long = { k: 'x'.repeat(300) };
    const key = partitionKeyReader('$.k')(long);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(partitionKeyReader('$.k')({ k: 'x'.repeat(300) })).toBe(key);
  });

  it('rejects a path it cannot follow, naming it', () => {
    expect(() => partitionKeyReader('dynamodb.Keys')).toThrow(InvalidOptionError);
    expect(() => partitionKeyReader("$['eventID']")).toThrow(/"\$\['eventID'\]" is not a dotted JSON path/);
  });
});
