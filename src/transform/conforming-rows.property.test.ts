import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type WireItem, wireArbitraries } from '../../test/helpers/dynamodb-arbitraries.ts';
import { base64Json, firehoseEvent, streamRecord } from '../../test/helpers/stream-records.ts';
import { canonicalNumber } from '../aws/canonical-item.ts';
import { type LosslessJson, parseLosslessJson } from '../catalog/lossless-json.ts';
import { ParquetEncoder } from '../lake/parquet-encoder.ts';
import { handler } from './handler.ts';
import { nullOrderColumns } from './orders-cdc-row.ts';

const ORDER_COLUMNS = Object.keys(nullOrderColumns());
const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
// Each run encodes Parquet: more than the default time when PROPERTY_RUNS asks for many runs.
vi.setConfig({ testTimeout: Math.max(60_000, RUNS * 50) });
let encoder: ParquetEncoder;
beforeAll(async () => {
  encoder = await ParquetEncoder.create();
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  await encoder.close();
  vi.restoreAllMocks();
});

/** DynamoDB stores text as UTF-8: a lone surrogate is not a value a user can write. */
function writable(image: WireItem): boolean {
  const text = JSON.stringify(image);
  return Buffer.from(text, 'utf8').toString('utf8') === text;
}

function numberText(value: LosslessJson | undefined): string | undefined {
  return value !== null && typeof value === 'object' && 'num' in value ? (value.num as string) : undefined;
}

// The rule behind "no legal value wedges the delivery": every Ok row fits the table's types, so the Parquet
// conversion (here DuckDB's, on AWS Firehose's) never rejects it; what does not fit is NULL and named.
describe.each(['plain', 'wild'] as const)('transform rows from %s items', (kind) => {
  const { orderImage } = wireArbitraries(kind);
  const images = fc.array(orderImage.filter(writable), { minLength: 1, maxLength: 40 });

  it('all convert to Parquet with the table’s types, never rounded, the nulled columns named', async () => {
    await fc.assert(
      fc.asyncProperty(images, async (batch) => {
        const payloads = batch.map((image, i) =>
          base64Json(
            i % 3 === 2
              ? streamRecord({ eventName: 'REMOVE', oldImage: image })
              : streamRecord({ eventName: 'INSERT', newImage: image }),
          ),
        );
        const { records } = await handler(firehoseEvent(payloads));
        const lines: string[] = [];
        for (const [i, record] of records.entries()) {
          if (record.result !== 'Ok') continue;
          const line = Buffer.from(record.data, 'base64').toString('utf8');
          lines.push(line);
          const row = parseLosslessJson(line) as Record<string, LosslessJson>;
          const image = batch[i] as WireItem;
          const named = typeof row.unrepresentable === 'string' ? row.unrepresentable.split(',') : [];
          for (const name of ORDER_COLUMNS) {
            const attribute = image[name];
            const present = attribute !== undefined && attribute.NULL === undefined;
            if (name === 'orderid') continue; // the key comes from Keys when there are any
            expect(named.includes(name), `${name} ${JSON.stringify(attribute)}`).toBe(
              present && row[name] === null,
            );
            const text = attribute?.N ?? attribute?.S;
            const number = numberText(row[name]);
            if (number !== undefined && typeof text === 'string')
              expect(canonicalNumber(number)).toBe(canonicalNumber(text.trim()));
          }
        }
        await encoder.encode(Buffer.from(lines.join('')));
      }),
      { numRuns: RUNS },
    );
  });
});
