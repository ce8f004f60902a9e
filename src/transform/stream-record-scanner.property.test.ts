import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  type WireArbitraries,
  type WireItem,
  wireArbitraries,
} from '../../test/helpers/dynamodb-arbitraries.ts';
import { base64Json, ORDER_IMAGE, streamRecord } from '../../test/helpers/stream-records.ts';
import { fastTransformRecord } from './fast-transform-record.ts';
import type { FirehoseTransformationRecord } from './firehose-event.ts';
import { plainTransformRecord, transformRecord } from './transform-record.ts';

/** Mostly undefined, now and then a value. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** Placeholder for a creation time written as raw JSON text (`timeText`), replaced after JSON.stringify. */
const TIME_PLACEHOLDER = 0.1234567891;
const DAY_SECONDS = 86_400;
/** The last day the row takes (9999-12-31), in days since 1970. */
const LAST_DAY = Date.UTC(9999, 11, 31) / 86_400_000;

/**
 * ApproximateCreationDateTime as JSON text, where the fast path reads it from digits or hands it over: at the
 * edges of days and years, far in the future, beyond the last day, fractions that round either way, exponents,
 * numbers as text, and what is no time at all.
 */
const timeText = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: LAST_DAY }), fc.integer({ min: -1, max: 1 }))
    .map(([day, second]) => String(day * DAY_SECONDS + second)),
  fc.integer({ min: 0, max: LAST_DAY + 2 }).map((day) => String(day * 86_400_000 - 1)),
  fc.double({ min: 0, max: 3e11, noNaN: true }).map(String),
  fc.constantFrom(
    '0',
    '-0',
    '-0.0004',
    '-0.0006',
    '0.0005',
    '1795334400.5',
    '1795334400.0005',
    '1.7953344E9',
    '1.7953344e+9',
    '17953344e2',
    '99999999999',
    '100000000000',
    '999999999999999',
    '1000000000000000',
    '1795334400000.5',
    '253402214400',
    '253402214400000',
    '253402214400001',
    '1e300',
    '-1',
    '"1795334400"',
    '"1795334400.25"',
    '"2026-11-22T08:00:00Z"',
    '"2026-11-22"',
    '"1e9"',
    '""',
    'null',
    'true',
    '{}',
    '[1795334400]',
  ),
);

/** Order attributes whose columns need care: numbers in every form, out of range, non-numbers, other types. */
const numericText = fc.constantFrom(
  ...['0', '-0', '00', '7', '2147483647', '2147483648', '-2147483648', '-2147483649', '9999999999'],
  ...['10000000000', '12345678901', '1.5', '19.99', '19.990', '19.999', '-9999999999.99', '0.001', '1e3'],
  ...['1E1', '1.999E1', '1e99999', '+5', '.5', '5.', ' 12 ', '12 ', '1_000', '', 'abc'],
);
const orderAttribute = fc.oneof(
  numericText.map((N) => ({ N })),
  numericText.map((S) => ({ S })),
  fc.boolean().map((BOOL) => ({ BOOL })),
  fc.constantFrom(
    { NULL: true },
    { NULL: false },
    { M: {} },
    { B: 'AA==' },
    { SS: ['1'] },
    { NS: ['1'] },
    { L: [] },
  ),
);
const columnOverrides = fc.record(
  {
    orderid: orderAttribute,
    product_name: orderAttribute,
    quantity: orderAttribute,
    price: orderAttribute,
    status: orderAttribute,
    customer_id: orderAttribute,
    created_at: orderAttribute,
    updated_at: orderAttribute,
  },
  { requiredKeys: [] },
);

/** Keys that give the row its orderid, or leave it to the image, or give none. */
const keyVariant = fc.constantFrom<WireItem>(
  { orderid: { S: 'ORD-FROM-KEYS' } },
  { orderid: { BOOL: true } },
  { orderid: { N: '42' } },
  { orderid: { NULL: true } },
  { orderid: { M: {} } },
  {},
  { other: { S: 'x' } },
);

/** userIdentity: mostly none, often a TTL deletion's, now and then something near one. */
const userIdentity = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constant({ type: 'Service', principalId: 'dynamodb.amazonaws.com' }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      { type: 'Service', principalId: 'someone-else' },
      { principalId: 'dynamodb.amazonaws.com', type: 'Service', extra: [1, { a: null }] },
      { type: 'User', principalId: 'dynamodb.amazonaws.com' },
      { type: 5, principalId: 'dynamodb.amazonaws.com' },
      {},
      [],
      'Service',
      null,
    ),
  },
);

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
      keys: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: wireItem },
        { weight: 1, arbitrary: keyVariant },
      ),
      columns: rarely(columnOverrides),
      timeText: rarely(timeText),
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
      userIdentity,
      viewType: fc.constantFrom('NEW_AND_OLD_IMAGES', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY', 'NEW_IMAGE'),
      drop: rarely(fc.constantFrom('NewImage', 'OldImage', 'Keys', 'eventID', 'SequenceNumber', 'dynamodb')),
      order: fc.nat(),
      indent: rarely(fc.constant(1)),
    })
    .map((r) => {
      const record = streamRecord({
        eventName: r.eventName as 'INSERT',
        ...(r.eventName !== 'REMOVE' && { newImage: { ...r.newImage, ...r.columns } }),
        ...(r.eventName !== 'INSERT' && { oldImage: { ...r.oldImage, ...r.columns } }),
        ...(r.keys && { keys: r.keys }),
        eventID: r.eventID,
        sequenceNumber: r.sequenceNumber,
        approximateCreationDateTime: r.timeText === undefined ? r.time : TIME_PLACEHOLDER,
        streamViewType: r.viewType,
      });
      if (r.userIdentity !== undefined) record.userIdentity = r.userIdentity;
      const dynamodb = record.dynamodb as Record<string, unknown>;
      if (r.drop !== undefined) {
        delete record[r.drop];
        delete dynamodb[r.drop];
      }
      const reordered = rotate(record, r.order);
      if (reordered.dynamodb) reordered.dynamodb = rotate(dynamodb, r.order >> 3);
      const json = JSON.stringify(reordered, null, r.indent);
      return r.timeText === undefined ? json : json.replace(String(TIME_PLACEHOLDER), r.timeText);
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
  fc.constant((data: string) => `${data}=`),
  fc.constant((data: string) => data.replaceAll('+', '-').replaceAll('/', '_')),
  fc.tuple(fc.nat(), fc.constantFrom('\n', '\r\n', '\t', '=', 'é', 'A')).map(
    ([at, inserted]) =>
      (data: string) =>
        data.slice(0, at % data.length) + inserted + data.slice(at % data.length),
  ),
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

const RUNS = Number(process.env.PROPERTY_RUNS ?? 3_000);
// More than the default time when PROPERTY_RUNS asks for many runs.
vi.setConfig({ testTimeout: Math.max(60_000, RUNS * 5) });

/** Whether the fast path answers the record itself (else the plain path does). */
const takesFastPath = (data: string) => fastTransformRecord('record-1', data) !== undefined;

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
        expect(transformRecord(record)).toStrictEqual(plainTransformRecord(record));
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the plain path’s outcome for every record of a batch, whatever the records before left behind', () => {
    // One record after another through the same reused buffers: longer and shorter ones, some longer than any
    // before (the buffers grow past their first 16 KB), some the fast path gives up half-way.
    const longPayload = fc
      .tuple(fc.constantFrom('INSERT', 'REMOVE'), fc.integer({ min: 1, max: 200_000 }))
      .map(([eventName, length]) => {
        const image = { ...ORDER_IMAGE, note: { S: 'n'.repeat(length) } };
        return base64Json(streamRecord({ eventName, newImage: image, oldImage: image }));
      });
    const batch = fc.array(
      fc.oneof({ weight: 6, arbitrary: payload }, { weight: 1, arbitrary: longPayload }),
      {
        minLength: 2,
        maxLength: 10,
      },
    );
    fc.assert(
      fc.property(batch, (payloads) => {
        for (const data of payloads)
          expect(transformRecord(asRecord(data))).toStrictEqual(plainTransformRecord(asRecord(data)));
      }),
      { numRuns: Math.ceil(RUNS / 20) },
    );
  });

  it('takes a good share of that mix itself, so the comparison above is not idle', () => {
    const samples = fc.sample(payload, { numRuns: 1_000, seed: 20261123 });
    const fast = samples.filter((data) => takesFastPath(data)).length;
    expect(fast).toBeGreaterThan(100); // 145 with this seed
  });
});
