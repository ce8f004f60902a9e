import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type WireArbitraries,
  type WireItem,
  wireArbitraries,
} from '../../test/helpers/dynamodb-arbitraries.ts';
import { base64Json, ORDER_IMAGE, streamRecord } from '../../test/helpers/stream-records.ts';
import type { FirehoseTransformationRecord } from './firehose-event.ts';
import { scanChangeEvent } from './stream-record-scanner.ts';
import { plainTransformRecord, transformRecord } from './transform-record.ts';

/** Mostly undefined, now and then a value. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** A stream record as Pipes sends it, or something near it: odd values, other key orders, missing parts. */
const nearStreamRecord = ({ orderImage, text, wireItem }: WireArbitraries) =>
  fc
    .record({
      eventName: fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom('INSERT', 'MODIFY', 'REMOVE') },
        { weight: 1, arbitrary: fc.constantFrom('UPSERT', '', 'insert') },
      ),
      eventID: fc.oneof(
        { weight: 12, arbitrary: fc.stringMatching(/^[0-9a-f]{32}$/) },
        { weight: 1, arbitrary: text },
      ),
      newImage: orderImage,
      oldImage: orderImage,
      keys: rarely(wireItem),
      time: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }) },
        fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
        fc.double({ min: 0, max: 3e12 }),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }).map(String),
        text,
      ),
      sequenceNumber: fc.oneof(
        { weight: 12, arbitrary: fc.stringMatching(/^[1-9][0-9]{20,39}$/) },
        { weight: 1, arbitrary: text },
      ),
      ttl: fc.boolean(),
      viewType: fc.constantFrom('NEW_AND_OLD_IMAGES', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY', 'NEW_IMAGE'),
      drop: rarely(fc.constantFrom('NewImage', 'OldImage', 'Keys', 'eventID', 'SequenceNumber', 'dynamodb')),
      order: fc.nat(),
      indent: rarely(fc.constant(1)),
    })
    .map((r) => {
      const record = streamRecord({
        eventName: r.eventName as 'INSERT',
        ...(r.eventName !== 'REMOVE' && { newImage: r.newImage }),
        ...(r.eventName !== 'INSERT' && { oldImage: r.oldImage }),
        ...(r.keys && { keys: r.keys }),
        eventID: r.eventID,
        sequenceNumber: r.sequenceNumber,
        approximateCreationDateTime: r.time,
        streamViewType: r.viewType,
        ...(r.ttl && { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } }),
      });
      const dynamodb = record.dynamodb as Record<string, unknown>;
      if (r.drop !== undefined) {
        delete record[r.drop];
        delete dynamodb[r.drop];
      }
      const reordered = rotate(record, r.order);
      if (reordered.dynamodb) reordered.dynamodb = rotate(dynamodb, r.order >> 3);
      return JSON.stringify(reordered, null, r.indent);
    });

/** The same object with its keys rotated: Pipes' key order is not a contract. */
function rotate(object: Record<string, unknown>, by: number): Record<string, unknown> {
  const entries = Object.entries(object);
  const k = entries.length === 0 ? 0 : by % entries.length;
  return Object.fromEntries([...entries.slice(k), ...entries.slice(0, k)]);
}

/** Text-level damage JSON.stringify cannot make: repeated names, stray bytes, cuts. */
const damage = fc.oneof(
  { weight: 5, arbitrary: fc.constant((json: string) => json) },
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom('"eventName":"REMOVE",', '"Keys":{"orderid":{"S":"X"}},', '"a":{"S":"1"},'),
    )
    .map(([at, snippet]) => (json: string) => {
      const opens = [...json.matchAll(/\{/g)].map((m) => m.index + 1);
      const where = opens[at % opens.length] ?? 0;
      return json.slice(0, where) + snippet + json.slice(where);
    }),
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 2 })).map(
    ([at, inserted]) =>
      (json: string) =>
        json.slice(0, at % (json.length + 1)) + inserted + json.slice(at % (json.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...'{}[]":,x0 ')).map(
    ([at, replacement]) =>
      (json: string) =>
        json.slice(0, at % json.length) + replacement + json.slice((at % json.length) + 1),
  ),
  fc.nat().map((at) => (json: string) => json.slice(0, at % json.length)),
  fc
    .nat()
    .map((at) => (json: string) => json.slice(0, at % json.length) + json.slice((at % json.length) + 1)),
);

const base64Damage = fc.oneof(
  { weight: 12, arbitrary: fc.constant((data: string) => data) },
  fc.constant((data: string) => data.replace(/=+$/, '')),
  fc
    .nat()
    .map((at) => (data: string) => `${data.slice(0, at % data.length)} ${data.slice(at % data.length)}`),
  fc
    .nat()
    .map(
      (at) => (data: string) => `${data.slice(0, at % data.length)}*${data.slice((at % data.length) + 1)}`,
    ),
);

const toBase64 = (json: string) => Buffer.from(json, 'utf8').toString('base64');
/** Records as they usually come (the fast path's own ground), and anything near one. */
const payload = fc.oneof(
  fc
    .tuple(nearStreamRecord(wireArbitraries('plain')), damage)
    .map(([json, damageJson]) => toBase64(damageJson(json))),
  fc
    .tuple(nearStreamRecord(wireArbitraries('wild')), damage, base64Damage)
    .map(([json, damageJson, damageBase64]) => damageBase64(toBase64(damageJson(json)))),
);

const asRecord = (data: string): FirehoseTransformationRecord => ({
  recordId: 'record-1',
  approximateArrivalTimestamp: 1_763_800_000_123,
  data,
});

describe('the fast path (stream-record-scanner)', () => {
  it('gives exactly what the plain path gives, for any input near a stream record', () => {
    fc.assert(
      fc.property(payload, (data) => {
        const record = asRecord(data);
        expect(transformRecord(record)).toEqual(plainTransformRecord(record));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 3_000) },
    );
  });

  it('takes a good share of that mix itself, so the comparison above is not idle', () => {
    const samples = fc.sample(payload, { numRuns: 1_000, seed: 20261123 });
    const fast = samples.filter((data) => scanChangeEvent(data) !== undefined).length;
    expect(fast).toBeGreaterThan(100); // 158 with this seed
  });

  it.each([
    ['INSERT', { newImage: ORDER_IMAGE }],
    ['MODIFY', { newImage: ORDER_IMAGE, oldImage: ORDER_IMAGE }],
    ['REMOVE', { oldImage: ORDER_IMAGE }],
  ] as const)('takes every plain %s record as Pipes sends it', (eventName, images) => {
    const data = base64Json(streamRecord({ eventName, ...images }));
    expect(scanChangeEvent(data)).toBeDefined();
    expect(transformRecord(asRecord(data))).toEqual(plainTransformRecord(asRecord(data)));
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
    expect(scanChangeEvent(data)).toBeUndefined();
    expect(plainTransformRecord(asRecord(data)).result.result).toBe('Ok');
    expect(transformRecord(asRecord(data))).toEqual(plainTransformRecord(asRecord(data)));
  });

  it('reads records whose dynamodb section comes before eventName', () => {
    const record = streamRecord({ eventName: 'REMOVE', oldImage: ORDER_IMAGE });
    const data = base64Json(rotate(record, 5));
    expect(Object.keys(JSON.parse(Buffer.from(data, 'base64').toString()))[0]).toBe('dynamodb');
    expect(scanChangeEvent(data)).toBeDefined();
    expect(transformRecord(asRecord(data))).toEqual(plainTransformRecord(asRecord(data)));
  });
});
