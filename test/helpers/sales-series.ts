import { ORDER_IMAGE, streamRecord } from './stream-records.ts';

/** Each gadget's revenue per minute: one order of that value a minute, none where it is 0. */
export type SalesSeries = Record<string, readonly number[]>;

/** The INSERT stream records of a series, minute `i` at `start` + i minutes + 30 s. */
export function salesSeriesRecords(series: SalesSeries, startMs: number): Array<Record<string, unknown>> {
  let sequence = 1000;
  return Object.entries(series).flatMap(([product, revenues]) =>
    revenues.flatMap((revenue, minute) => {
      if (revenue === 0) return [];
      const id = `${product}-${minute}`;
      return [
        streamRecord({
          eventName: 'INSERT',
          newImage: {
            ...ORDER_IMAGE,
            orderid: { S: id },
            product_name: { S: product },
            quantity: { N: '1' },
            price: { N: String(revenue) },
            status: { S: 'PLACED' },
            created_at: { S: new Date(startMs + minute * 60_000 + 30_000).toISOString() },
          },
          sequenceNumber: String(++sequence),
          eventID: `${id}-event`,
        }),
      ];
    }),
  );
}
