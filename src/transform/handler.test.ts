import { afterEach, describe, expect, it, vi } from 'vitest';
import { base64Json, firehoseEvent, ORDER_IMAGE, streamRecord } from '../../test/helpers/stream-records.ts';
import { parseLosslessJson } from '../catalog/lossless-json.ts';
import { ORDERS_CDC_COLUMNS } from '../catalog/orders-cdc-columns.ts';
import type { FirehoseTransformationResultRecord } from './firehose-event.ts';
import { handler } from './handler.ts';

afterEach(() => vi.restoreAllMocks());

async function transform(...payloads: string[]) {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return (await handler(firehoseEvent(payloads))).records;
}

function row(result: FirehoseTransformationResultRecord | undefined) {
  expect(result?.result).toBe('Ok');
  const line = Buffer.from(result?.data ?? '', 'base64').toString('utf8');
  expect(line.endsWith('\n')).toBe(true);
  expect(line.indexOf('\n')).toBe(line.length - 1);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('transform handler: change events', () => {
  it('turns an INSERT into an orders_cdc row, columns in table order, partitioned by the UTC date', async () => {
    const [result] = await transform(
      base64Json(
        streamRecord({
          eventName: 'INSERT',
          newImage: ORDER_IMAGE,
          approximateCreationDateTime: 1_763_800_021,
          eventID: 'ev-1',
          sequenceNumber: '4421584500000000017450439091',
        }),
      ),
    );
    const columns = row(result);
    expect(Object.keys(columns)).toEqual(ORDERS_CDC_COLUMNS.map((c) => c.name));
    expect(columns).toEqual({
      orderid: 'ORD-7K2M9Q4T1XZB',
      product_name: 'Laptop',
      quantity: 2,
      price: 1299.9,
      cdc_event_type: 'INSERT',
      creation_datetime: '2025-11-22T08:27:01.000Z',
      event_id: 'ev-1',
      sequence_number: '4421584500000000017450439091',
      event_time_ms: 1_763_800_021_000,
      status: 'PAID',
      customer_id: 'CUST-00042',
      created_at: '2026-11-22T08:26:40.123Z',
      updated_at: '2026-11-22T08:27:01.456Z',
      ttl_delete: false,
      image_json: expect.any(String),
      unrepresentable: null,
    });
    expect(JSON.parse(columns.image_json as string)).toEqual({
      orderid: 'ORD-7K2M9Q4T1XZB',
      product_name: 'Laptop',
      quantity: 2,
      price: 1299.9,
      status: 'PAID',
      customer_id: 'CUST-00042',
      created_at: '2026-11-22T08:26:40.123Z',
      updated_at: '2026-11-22T08:27:01.456Z',
    });
    expect(result?.metadata).toEqual({ partitionKeys: { dt: '2025-11-22' } });
  });

  it('reads MODIFY from NewImage', async () => {
    const oldImage = { ...ORDER_IMAGE, status: { S: 'PLACED' } };
    const [result] = await transform(
      base64Json(streamRecord({ eventName: 'MODIFY', oldImage, newImage: ORDER_IMAGE })),
    );
    expect(row(result)).toMatchObject({ cdc_event_type: 'MODIFY', status: 'PAID' });
  });

  it('reads REMOVE from OldImage (the tutorial handler failed every REMOVE)', async () => {
    const [result] = await transform(
      base64Json(streamRecord({ eventName: 'REMOVE', oldImage: ORDER_IMAGE })),
    );
    expect(row(result)).toMatchObject({
      cdc_event_type: 'REMOVE',
      orderid: 'ORD-7K2M9Q4T1XZB',
      product_name: 'Laptop',
      quantity: 2,
      ttl_delete: false,
    });
  });

  it('falls back to Keys for a keys-only stream, other columns null', async () => {
    const record = streamRecord({
      eventName: 'REMOVE',
      keys: { orderid: { S: 'ORD-K' } },
      streamViewType: 'KEYS_ONLY',
    });
    const columns = row((await transform(base64Json(record)))[0]);
    expect(columns).toMatchObject({
      orderid: 'ORD-K',
      product_name: null,
      quantity: null,
      price: null,
      status: null,
    });
    expect(columns.image_json).toBe('{"orderid":"ORD-K"}');
  });

  it('marks deletions made by TTL', async () => {
    const userIdentity = { type: 'Service', principalId: 'dynamodb.amazonaws.com' };
    const [result] = await transform(
      base64Json(streamRecord({ eventName: 'REMOVE', oldImage: ORDER_IMAGE, userIdentity })),
    );
    expect(row(result).ttl_delete).toBe(true);
  });

  it.each([
    ['epoch seconds (Pipes)', 1_763_800_021, '2025-11-22T08:27:01.000Z'],
    ['fractional seconds', 1_763_800_021.5, '2025-11-22T08:27:01.500Z'],
    ['epoch milliseconds', 1_763_800_021_250, '2025-11-22T08:27:01.250Z'],
    ['numeric text', '1763800021', '2025-11-22T08:27:01.000Z'],
    ['ISO text (SDK)', '2025-11-22T08:27:01.000Z', '2025-11-22T08:27:01.000Z'],
    ['ISO text with offset', '2025-11-22T23:30:00-02:00', '2025-11-23T01:30:00.000Z'],
  ])('accepts ApproximateCreationDateTime as %s', async (_label, value, iso) => {
    const [result] = await transform(
      base64Json(
        streamRecord({ eventName: 'INSERT', newImage: ORDER_IMAGE, approximateCreationDateTime: value }),
      ),
    );
    expect(row(result).creation_datetime).toBe(iso);
    expect(result?.metadata?.partitionKeys.dt).toBe(iso.slice(0, 10));
  });

  it('keeps every number exact and converts every DynamoDB type', async () => {
    const newImage = {
      ...ORDER_IMAGE,
      price: { N: '1299.90' },
      big: { N: '12345678901234567890123456789012345678' },
      beyond53: { N: '9007199254740993' },
      tiny: { N: '-0.000000000000000000000000000000000001' },
      blob: { B: 'AAEC/w==' },
      tags: { SS: ['gift', 'express'] },
      sizes: { NS: ['1.50', '99999999999999999999'] },
      blobs: { BS: ['AQ==', 'Ag=='] },
      shipping: {
        M: {
          city: { S: 'Oslo' },
          zip: { N: '0150' },
          lines: { L: [{ S: 'a' }, { NULL: true }, { BOOL: false }] },
        },
      },
      gift: { BOOL: true },
      note: { NULL: true },
      empty: { M: {} },
    };
    const columns = row((await transform(base64Json(streamRecord({ eventName: 'INSERT', newImage }))))[0]);
    expect(Buffer.from(JSON.stringify(columns)).length).toBeGreaterThan(0);
    expect(parseLosslessJson(columns.image_json as string)).toMatchObject({
      price: { num: '1299.90' },
      big: { num: '12345678901234567890123456789012345678' },
      beyond53: { num: '9007199254740993' },
      tiny: { num: '-0.000000000000000000000000000000000001' },
      blob: 'AAEC/w==',
      tags: ['gift', 'express'],
      sizes: [{ num: '1.50' }, { num: '99999999999999999999' }],
      blobs: ['AQ==', 'Ag=='],
      shipping: { city: 'Oslo', zip: { num: '150' }, lines: ['a', null, false] },
      gift: true,
      note: null,
      empty: {},
    });
    const line = Buffer.from(
      (await transform(base64Json(streamRecord({ eventName: 'INSERT', newImage }))))[0]?.data ?? '',
      'base64',
    ).toString();
    expect(parseLosslessJson(line)).toMatchObject({ price: { num: '1299.90' } });
  });

  it('turns missing or odd order attributes into nulls, not failures, and names the odd ones', async () => {
    const newImage = {
      orderid: { S: 'ORD-X' },
      quantity: { N: '2.5' },
      price: { S: 'n/a' },
      status: { L: [] },
      customer_id: { NULL: true },
    };
    const columns = row((await transform(base64Json(streamRecord({ eventName: 'INSERT', newImage }))))[0]);
    expect(columns).toMatchObject({
      orderid: 'ORD-X',
      product_name: null,
      quantity: null,
      price: null,
      status: null,
      customer_id: null,
      unrepresentable: 'quantity,price,status',
    });
  });

  // Every typed column holds only what its type holds exactly (the row becomes Parquet; on AWS a row that does
  // not conform is a format-conversion failure): anything else is NULL there, named, and exact in image_json.
  it.each([
    ['price', { N: '12345678901' }, null, '12345678901'],
    ['price', { N: '19.999' }, null, '19.999'],
    [
      'price',
      { N: '1234567890123456789012345678901234567890' },
      null,
      '1234567890123456789012345678901234567890',
    ],
    ['price', { N: '-9999999999.99' }, -9999999999.99, '-9999999999.99'],
    ['price', { N: '0.000000000000000000001' }, null, '0.000000000000000000001'],
    ['price', { S: '19.990' }, 19.99, '"19.990"'],
    ['price', { S: '1.999E1' }, 19.99, '"1.999E1"'],
    ['price', { S: '1e99999' }, null, '"1e99999"'],
    ['price', { BOOL: true }, null, 'true'],
    ['price', { M: { amount: { N: '5' } } }, null, '{"amount":5}'],
    ['quantity', { N: '2147483647' }, 2147483647, '2147483647'],
    ['quantity', { N: '-2147483648' }, -2147483648, '-2147483648'],
    ['quantity', { N: '2147483648' }, null, '2147483648'],
    [
      'quantity',
      { N: '99999999999999999999999999999999999999' },
      null,
      '99999999999999999999999999999999999999',
    ],
    ['quantity', { S: '12' }, 12, '"12"'],
    ['quantity', { S: '1.2e1' }, 12, '"1.2e1"'],
    ['quantity', { NS: ['1', '2'] }, null, '[1,2]'],
    ['status', { M: {} }, null, '{}'],
    ['product_name', { B: 'AAEC' }, null, '"AAEC"'],
    ['product_name', { N: '42' }, '42', '42'],
    ['customer_id', { BOOL: false }, 'false', 'false'],
  ] as const)('%s = %j: column %j, image_json %s', async (name, attribute, expected, exact) => {
    const newImage = { ...ORDER_IMAGE, [name]: attribute };
    for (const record of [
      streamRecord({ eventName: 'INSERT', newImage }),
      streamRecord({ eventName: 'REMOVE', oldImage: newImage }),
    ]) {
      const columns = row((await transform(base64Json(record)))[0]);
      expect(columns[name]).toEqual(expected);
      expect(columns.unrepresentable).toBe(expected === null ? name : null);
      expect(columns.image_json as string).toContain(`"${name}":${exact}`);
    }
  });
});

describe('transform handler: bad input', () => {
  const good = () => base64Json(streamRecord({ eventName: 'INSERT', newImage: ORDER_IMAGE }));
  const bad = (mutate: (record: Record<string, unknown> & { dynamodb: Record<string, unknown> }) => void) => {
    const record = streamRecord({
      eventName: 'MODIFY',
      newImage: ORDER_IMAGE,
      oldImage: ORDER_IMAGE,
    }) as Record<string, unknown> & {
      dynamodb: Record<string, unknown>;
    };
    mutate(record);
    return base64Json(record);
  };

  it.each([
    ['bad base64', '%%%not-base64%%%', /not valid base64/],
    ['not JSON', Buffer.from('{"eventName": INSERT').toString('base64'), /not JSON/],
    ['a JSON array', base64Json([1, 2]), /not a JSON object/],
    [
      'an unknown event name',
      bad((r) => {
        r.eventName = 'UPSERT';
      }),
      /eventName "UPSERT"/,
    ],
    [
      'no dynamodb section',
      bad((r) => {
        delete (r as Record<string, unknown>).dynamodb;
      }),
      /not a DynamoDB stream record/,
    ],
    [
      'no eventID',
      bad((r) => {
        delete r.eventID;
      }),
      /eventID is missing/,
    ],
    [
      'a bad sequence number',
      bad((r) => {
        r.dynamodb.SequenceNumber = 12;
      }),
      /SequenceNumber 12/,
    ],
    [
      'no creation time',
      bad((r) => {
        delete r.dynamodb.ApproximateCreationDateTime;
      }),
      /ApproximateCreationDateTime is missing/,
    ],
    [
      'an unreadable creation time',
      bad((r) => {
        r.dynamodb.ApproximateCreationDateTime = 'yesterday';
      }),
      /"yesterday" is not a valid time/,
    ],
    [
      'a missing NewImage on a NEW_AND_OLD_IMAGES stream',
      bad((r) => {
        delete r.dynamodb.NewImage;
      }),
      /NewImage is missing although StreamViewType is NEW_AND_OLD_IMAGES/,
    ],
    [
      'no key',
      bad((r) => {
        r.dynamodb.Keys = {};
        r.dynamodb.NewImage = { product_name: { S: 'x' } };
      }),
      /no orderid/,
    ],
    [
      'an unknown attribute type',
      bad((r) => {
        r.dynamodb.NewImage = { ...ORDER_IMAGE, x: { Q: '1' } };
      }),
      /NewImage\.x has unknown DynamoDB type "Q"/,
    ],
    [
      'a number that is not one',
      bad((r) => {
        r.dynamodb.NewImage = { ...ORDER_IMAGE, x: { N: '1,5' } };
      }),
      /NewImage\.x is not a number: "1,5"/,
    ],
    [
      'two types in one value',
      bad((r) => {
        r.dynamodb.NewImage = { ...ORDER_IMAGE, x: { S: 'a', N: '1' } };
      }),
      /exactly one DynamoDB type, has 2/,
    ],
  ])('fails only the record with %s, with the reason logged and the original data kept', async (_label, payload, reason) => {
    const log = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const event = firehoseEvent([good(), payload, good()]);
    const { records } = await handler(event);
    expect(records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    expect(records.map((r) => r.result)).toEqual(['Ok', 'ProcessingFailed', 'Ok']);
    expect(records[1]?.data).toBe(payload);
    const entry = JSON.parse(String(log.mock.calls[0]?.[0])) as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: 'WARN',
      invocationId: 'invocation-1',
      records: 3,
      results: { Ok: 2, Dropped: 0, ProcessingFailed: 1 },
    });
    expect(entry.firstFailures).toEqual([
      { recordId: event.records[1]?.recordId, reason: expect.stringMatching(reason) },
    ]);
  });

  it('counts Ok rows with unrepresentable values in the log line, as a warning naming the columns', async () => {
    const log = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const poison = { ...ORDER_IMAGE, price: { N: '12345678901' }, quantity: { N: '1E10' } };
    const event = firehoseEvent([
      good(),
      base64Json(streamRecord({ eventName: 'INSERT', newImage: poison })),
    ]);
    const { records } = await handler(event);
    expect(records.map((r) => r.result)).toEqual(['Ok', 'Ok']);
    const entry = JSON.parse(String(log.mock.calls[0]?.[0])) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'WARN', results: { Ok: 2, Dropped: 0, ProcessingFailed: 0 } });
    expect(entry.unrepresentable).toBe(1);
    expect(entry.firstUnrepresentable).toEqual([
      { recordId: event.records[1]?.recordId, columns: 'quantity,price' },
    ]);
  });

  it('answers an event without records with no records', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await handler({ invocationId: 'x', deliveryStreamArn: 'a', region: 'r', records: [] })).toEqual({
      records: [],
    });
  });

  it('keeps the response under 6 MB: records past the limit fail rather than break the invocation', async () => {
    const note = { S: 'x'.repeat(300_000) };
    const payload = base64Json(streamRecord({ eventName: 'INSERT', newImage: { ...ORDER_IMAGE, note } }));
    const records = await transform(...Array.from({ length: 20 }, () => payload));
    const size = Buffer.byteLength(JSON.stringify({ records }));
    expect(size).toBeLessThanOrEqual(6 * 1024 * 1024);
    const results = records.map((r) => r.result);
    expect(results.filter((r) => r === 'Ok').length).toBeGreaterThan(10);
    expect(results.slice(results.indexOf('ProcessingFailed'))).toEqual(
      results.slice(results.indexOf('ProcessingFailed')).map(() => 'ProcessingFailed'),
    );
  });
});
