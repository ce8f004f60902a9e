import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { base64Json, firehoseEvent, ORDER_IMAGE, streamRecord } from '../../test/helpers/stream-records.ts';
import {
  CURRENT_STATE_ENV,
  type CurrentStateResultRecord,
  destinationFromEnvironment,
  handler,
} from './current-state-handler.ts';
import { handler as lakeTransform } from './handler.ts';

const DESTINATION = {
  [CURRENT_STATE_ENV.databaseName]: 'gadget_sales',
  [CURRENT_STATE_ENV.tableName]: 'orders_now',
};

let logged: string[];
beforeEach(() => {
  logged = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((line) => {
    logged.push(String(line));
    return true;
  });
  for (const [name, value] of Object.entries(DESTINATION)) vi.stubEnv(name, value);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** One order's change as the pipe puts it on Kinesis, base64. */
function change(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  sequenceNumber: string,
  orderid = 'ORD-7K2M9Q4T1XZB',
): string {
  const image = { ...ORDER_IMAGE, orderid: { S: orderid } };
  return base64Json(
    streamRecord({
      eventName,
      sequenceNumber,
      ...(eventName === 'REMOVE' ? { oldImage: image } : { newImage: image }),
      ...(eventName === 'MODIFY' ? { oldImage: image } : {}),
    }),
  );
}

async function route(...payloads: string[]): Promise<CurrentStateResultRecord[]> {
  return (await handler(firehoseEvent(payloads))).records;
}

/** The routing line this function logs beside the transform's own. */
function routedLine(): Record<string, unknown> {
  const line = logged
    .map((text) => JSON.parse(text) as Record<string, unknown>)
    .find((l) => l.message === 'routed');
  expect(line).toBeDefined();
  return line as Record<string, unknown>;
}

describe('current-state transform: operations', () => {
  it('routes each change to the table with otfMetadata exactly as AWS documents it', async () => {
    const [record] = await route(change('INSERT', '100000000000000000001'));
    expect(record).toEqual({
      recordId: expect.any(String),
      result: 'Ok',
      data: expect.any(String),
      metadata: {
        otfMetadata: {
          destinationDatabaseName: 'gadget_sales',
          destinationTableName: 'orders_now',
          operation: 'update',
        },
      },
    });
    // Only the routing: the lake's partition keys mean nothing to an Iceberg destination.
    expect(Object.keys(record?.metadata ?? {})).toEqual(['otfMetadata']);
  });

  it.each([
    ['INSERT', 'update'],
    ['MODIFY', 'update'],
    ['REMOVE', 'update'],
  ] as const)('turns %s into the Iceberg operation %s (INSERT too upserts: a redelivered INSERT stays one row; REMOVE upserts its tombstone)', async (eventName, operation) => {
    const [record] = await route(change(eventName, '100000000000000000001'));
    expect(record?.result).toBe('Ok');
    expect(record?.metadata?.otfMetadata.operation).toBe(operation);
  });

  it('never uses insert, whatever the change', async () => {
    const records = await route(
      change('INSERT', '100000000000000000001', 'A'),
      change('MODIFY', '100000000000000000002', 'B'),
      change('REMOVE', '100000000000000000003', 'C'),
    );
    expect(records.map((record) => record.metadata?.otfMetadata.operation)).toEqual([
      'update',
      'update',
      'update',
    ]);
  });

  it('writes the lake transform’s row unchanged: same data, same recordIds, same order', async () => {
    const payloads = [
      change('INSERT', '100000000000000000001', 'A'),
      change('REMOVE', '100000000000000000002', 'B'),
    ];
    const lake = await lakeTransform(firehoseEvent(payloads));
    const routed = await route(...payloads);
    expect(routed.map(({ recordId, data }) => ({ recordId, data }))).toEqual(
      lake.records.map(({ recordId, data }) => ({ recordId, data })),
    );
  });
});

describe('current-state transform: failures', () => {
  it('keeps what the transform fails ProcessingFailed, with its original bytes and no routing', async () => {
    const bad = Buffer.from('not json', 'utf8').toString('base64');
    const records = await route(change('MODIFY', '100000000000000000001'), bad);
    expect(records.map((record) => record.result)).toEqual(['Ok', 'ProcessingFailed']);
    expect(records[1]).toEqual({ recordId: expect.any(String), result: 'ProcessingFailed', data: bad });
    // The transform's own log line is still written, so its metric filters count the failure.
    const transformed = logged.map((text) => JSON.parse(text)).find((line) => line.message === 'transformed');
    expect(transformed?.results).toEqual({ Ok: 1, Dropped: 0, ProcessingFailed: 1 });
  });

  it('refuses to run without its destination (a deployment error, not bad data)', () => {
    expect(() => destinationFromEnvironment({})).toThrow(/CURRENT_STATE_DATABASE and CURRENT_STATE_TABLE/);
    expect(destinationFromEnvironment(DESTINATION)).toEqual({
      databaseName: 'gadget_sales',
      tableName: 'orders_now',
    });
  });
});

describe('current-state transform: several changes of one order in one invocation', () => {
  it('routes only the newest change of each order and drops the older ones', async () => {
    const records = await route(
      change('INSERT', '100000000000000000001', 'A'),
      change('INSERT', '100000000000000000002', 'B'),
      change('MODIFY', '100000000000000000003', 'A'),
      change('REMOVE', '100000000000000000004', 'A'),
    );
    expect(records.map((record) => [record.result, record.metadata?.otfMetadata.operation])).toEqual([
      ['Dropped', undefined],
      ['Ok', 'update'],
      ['Dropped', undefined],
      ['Ok', 'update'],
    ]);
    expect(routedLine()).toMatchObject({ upserts: 2, tombstones: 1, superseded: 2, unroutable: 0 });
  });

  it('orders by the sequence number (length, then text), not by position in the batch', async () => {
    // 22 digits is newer than 21, although it arrives first and sorts lower as text.
    const records = await route(
      change('MODIFY', '1000000000000000000009', 'A'),
      change('INSERT', '999999999999999999999', 'A'),
    );
    expect(records.map((record) => record.result)).toEqual(['Ok', 'Dropped']);
    expect(records[0]?.metadata?.otfMetadata.operation).toBe('update');
  });

  it('keeps one copy of a change delivered twice', async () => {
    const twice = change('MODIFY', '100000000000000000007', 'A');
    const records = await route(twice, twice);
    expect(records.map((record) => record.result)).toEqual(['Dropped', 'Ok']);
  });

  it('returns every recordId once, in order', async () => {
    const event = firehoseEvent([
      change('INSERT', '100000000000000000001', 'A'),
      change('MODIFY', '100000000000000000002', 'A'),
      Buffer.from('{}', 'utf8').toString('base64'),
    ]);
    const { records } = await handler(event);
    expect(records.map((record) => record.recordId)).toEqual(event.records.map((record) => record.recordId));
  });
});
