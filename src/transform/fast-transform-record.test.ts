import { describe, expect, it } from 'vitest';
import type { WireItem } from '../../test/helpers/dynamodb-arbitraries.ts';
import { base64Json, ORDER_IMAGE, streamRecord } from '../../test/helpers/stream-records.ts';
import { fastTransformRecord } from './fast-transform-record.ts';
import type { FirehoseTransformationRecord } from './firehose-event.ts';
import { plainTransformRecord, transformRecord } from './transform-record.ts';

const asRecord = (data: string): FirehoseTransformationRecord => ({
  recordId: 'record-1',
  approximateArrivalTimestamp: 1_763_800_000_123,
  data,
});

/** Whether the fast path answers the record itself (else the plain path does). */
const takesFastPath = (data: string) => fastTransformRecord('record-1', data) !== undefined;

/** Transforms `data` and checks the outcome is the reference path's; returns whether the fast path took it. */
function transformedAsReference(data: string): boolean {
  const fast = fastTransformRecord('record-1', data);
  expect(transformRecord(asRecord(data))).toStrictEqual(plainTransformRecord(asRecord(data)));
  if (fast !== undefined) expect(fast).toStrictEqual(plainTransformRecord(asRecord(data)));
  return fast !== undefined;
}

/** The JSON of an INSERT whose image carries a note of `length` characters. */
function insertJson(length: number): string {
  return JSON.stringify(
    streamRecord({ eventName: 'INSERT', newImage: { ...ORDER_IMAGE, note: { S: 'n'.repeat(length) } } }),
  );
}

/** An INSERT of exactly `size` bytes of JSON. */
function insertOfSize(size: number): string {
  const json = insertJson(size - insertJson(0).length);
  expect(json.length).toBe(size);
  return Buffer.from(json, 'utf8').toString('base64');
}

describe('what the fast path takes', () => {
  it.each([
    ['INSERT', { newImage: ORDER_IMAGE }],
    ['MODIFY', { newImage: ORDER_IMAGE, oldImage: ORDER_IMAGE }],
    ['REMOVE', { oldImage: ORDER_IMAGE }],
  ] as const)('takes every plain %s record as Pipes sends it', (eventName, images) => {
    const data = base64Json(streamRecord({ eventName, ...images }));
    expect(takesFastPath(data)).toBe(true);
    expect(transformRecord(asRecord(data))).toStrictEqual(plainTransformRecord(asRecord(data)));
  });

  const unusual: Array<[string, (record: Record<string, unknown> & { dynamodb: WireItem }) => string]> = [
    ['whitespace between tokens', (r) => JSON.stringify(r, null, 2)],
    ['an escaped character', (r) => JSON.stringify({ ...r, eventID: 'a"b' })],
    [
      'non-ASCII text',
      (r) =>
        JSON.stringify({
          ...r,
          dynamodb: { ...r.dynamodb, NewImage: { ...ORDER_IMAGE, note: { S: 'café' } } },
        }),
    ],
    [
      'a number DynamoDB writes but JSON does not',
      (r) =>
        JSON.stringify({
          ...r,
          dynamodb: { ...r.dynamodb, NewImage: { ...ORDER_IMAGE, price: { N: '+01.50' } } },
        }),
    ],
    [
      'an integer-like attribute name',
      (r) =>
        JSON.stringify({ ...r, dynamodb: { ...r.dynamodb, NewImage: { ...ORDER_IMAGE, 7: { S: 'x' } } } }),
    ],
    ['a repeated record field', (r) => JSON.stringify(r).replace('{', '{"eventName":"REMOVE",')],
    [
      'a repeated attribute',
      (r) => JSON.stringify(r).replace('"NewImage":{', '"NewImage":{"status":{"S":"X"},'),
    ],
    [
      'a repeated key attribute',
      (r) => JSON.stringify(r).replace('"Keys":{', '"Keys":{"orderid":{"S":"ORD-FIRST"},'),
    ],
    [
      'a repeated userIdentity field',
      (r) =>
        JSON.stringify({
          ...r,
          userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
        }).replace('"principalId"', '"type":"User","principalId"'),
    ],
    [
      'NULL that is not true',
      (r) =>
        JSON.stringify({
          ...r,
          dynamodb: { ...r.dynamodb, NewImage: { ...ORDER_IMAGE, x: { NULL: false } } },
        }),
    ],
    [
      'no image (keys only)',
      (r) =>
        JSON.stringify({
          ...r,
          dynamodb: { ...r.dynamodb, NewImage: undefined, StreamViewType: 'KEYS_ONLY' },
        }),
    ],
  ];
  it.each(unusual)('leaves a record with %s to the plain path, which transforms it', (_label, write) => {
    const record = streamRecord({ eventName: 'INSERT', newImage: ORDER_IMAGE }) as Record<string, unknown> & {
      dynamodb: WireItem;
    };
    const data = Buffer.from(write(record), 'utf8').toString('base64');
    expect(takesFastPath(data)).toBe(false);
    expect(plainTransformRecord(asRecord(data)).result.result).toBe('Ok');
    expect(transformRecord(asRecord(data))).toStrictEqual(plainTransformRecord(asRecord(data)));
  });

  it('reads records whose dynamodb section comes before eventName', () => {
    const { dynamodb, ...rest } = streamRecord({ eventName: 'REMOVE', oldImage: ORDER_IMAGE });
    const data = base64Json({ dynamodb, ...rest });
    expect(Object.keys(JSON.parse(Buffer.from(data, 'base64').toString()))[0]).toBe('dynamodb');
    expect(takesFastPath(data)).toBe(true);
    expect(transformRecord(asRecord(data))).toStrictEqual(plainTransformRecord(asRecord(data)));
  });
});

describe('the fast path’s reused buffers', () => {
  it('take records longer than any before, between short ones, the same as the reference path', () => {
    // Each size outgrows the buffers as they stand; 16,384 and 65,536 bytes fill one to the last byte, so the
    // end-of-input byte after the record is what makes it grow.
    for (const size of [2_000, 16_384, 1_300, 20_000, 65_536, 1_200, 150_000, 1_000, 1_500_000, 1_100])
      expect(transformedAsReference(insertOfSize(size))).toBe(true);
  });

  it('never complete a cut record with the bytes of a longer one before it', () => {
    const whole = insertJson(3_000);
    for (const cut of [1, 2, 3, 5, 30, 1_000, 2_000, whole.length - 10]) {
      expect(transformedAsReference(Buffer.from(whole).toString('base64'))).toBe(true);
      const data = Buffer.from(whole.slice(0, whole.length - cut)).toString('base64');
      expect(transformedAsReference(data)).toBe(false);
      expect(transformRecord(asRecord(data)).result.result).toBe('ProcessingFailed');
    }
  });

  it('serve the records after one the fast path gave up half-way', () => {
    const plain = base64Json(
      streamRecord({ eventName: 'MODIFY', newImage: ORDER_IMAGE, oldImage: ORDER_IMAGE }),
    );
    const deepEscape = base64Json(
      streamRecord({ eventName: 'INSERT', newImage: { ...ORDER_IMAGE, z: { M: { a: { S: 'say "hi"' } } } } }),
    );
    const unknownType = base64Json(
      streamRecord({ eventName: 'INSERT', newImage: { ...ORDER_IMAGE, x: { Q: '1' } } }),
    );
    for (const data of [plain, deepEscape, plain, unknownType, plain, deepEscape, deepEscape, plain])
      expect(transformedAsReference(data)).toBe(data === plain);
  });
});

describe('the fast path’s line', () => {
  it('holds every order column at its longest: re-rendered numbers, booleans, nulls, unrepresentable values', () => {
    const newImage = {
      orderid: { S: 'ORD-IN-IMAGE' },
      product_name: { M: { a: { L: [] } } },
      quantity: { S: '1e3' },
      price: { S: '1e9' },
      status: { BOOL: false },
      customer_id: { SS: ['a', 'b'] },
      created_at: { NULL: true },
    };
    const data = base64Json(
      streamRecord({ eventName: 'INSERT', newImage, keys: { orderid: { BOOL: true } } }),
    );
    expect(transformedAsReference(data)).toBe(true);
    const line = Buffer.from(transformRecord(asRecord(data)).result.data, 'base64').toString();
    expect(JSON.parse(line)).toMatchObject({
      orderid: 'true',
      product_name: null,
      quantity: 1000,
      price: 1000000000,
      status: 'false',
      customer_id: null,
      created_at: null,
      updated_at: null,
      unrepresentable: 'product_name,customer_id',
    });
  });

  it.each([
    ['takes', 200, true],
    ['leaves to the reference path', 300, false], // more names open at once than it keeps
  ])('%s an image nested %i maps deep', (_label, depth, fast) => {
    let value: object = { S: 'bottom' };
    for (let level = 0; level < depth; level++) value = { M: { [`level${level}`]: value } };
    const data = base64Json(streamRecord({ eventName: 'INSERT', newImage: { ...ORDER_IMAGE, deep: value } }));
    expect(transformedAsReference(data)).toBe(fast);
  });
});
