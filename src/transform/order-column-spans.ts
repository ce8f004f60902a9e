import { bytesEqual } from './byte-scanner.ts';
import { asciiBytes } from './byte-writer.ts';
import { nullOrderColumns, type OrderColumns } from './orders-cdc-row.ts';

/** The order columns in the row's order, which is also the order `unrepresentable` names them in. */
export const ORDER_COLUMN_NAMES = Object.keys(nullOrderColumns()) as ReadonlyArray<keyof OrderColumns>;
const NAME_BYTES = ORDER_COLUMN_NAMES.map(asciiBytes);

/** What an order attribute holds, as far as its column is concerned (`orders-cdc-row.ts#column`). */
export const AttributeKind = {
  /** No such attribute in the image: the column is null. */
  ABSENT: 0,
  /** S or N: its text, at [start, end) of the record's bytes. */
  TEXT: 1,
  BOOL_TRUE: 2,
  BOOL_FALSE: 3,
  /** `{"NULL":true}`: the column is null. */
  NULL: 4,
  /** B, M, L or a set: no column holds it (UNREPRESENTABLE). */
  OTHER: 5,
} as const;
export type AttributeKind = (typeof AttributeKind)[keyof typeof AttributeKind];

/**
 * Where the fast path found each order attribute of an image: its kind, and for TEXT where its text is in the
 * record's bytes. Positions only, so reading an image makes no string; the line writer renders the columns.
 */
export class OrderColumnSpans {
  /** Per column, in ORDER_COLUMN_NAMES order: kind, start, end. */
  private readonly spans = new Int32Array(ORDER_COLUMN_NAMES.length * 3);

  clear(): void {
    this.spans.fill(0);
  }

  set(column: number, kind: AttributeKind, start: number, end: number): void {
    this.spans[column * 3] = kind;
    this.spans[column * 3 + 1] = start;
    this.spans[column * 3 + 2] = end;
  }

  copyColumn(column: number, from: OrderColumnSpans): void {
    this.set(column, from.kind(column), from.start(column), from.end(column));
  }

  kind(column: number): AttributeKind {
    return this.spans[column * 3] as AttributeKind;
  }

  start(column: number): number {
    return this.spans[column * 3 + 1] as number;
  }

  end(column: number): number {
    return this.spans[column * 3 + 2] as number;
  }
}

/** The order column an attribute named b[start, end) feeds, or -1. */
export function orderColumnOf(b: Uint8Array, start: number, end: number): number {
  for (let column = 0; column < NAME_BYTES.length; column++)
    if (bytesEqual(b, start, end, NAME_BYTES[column] as Uint8Array)) return column;
  return -1;
}

export const ORDERID_COLUMN = ORDER_COLUMN_NAMES.indexOf('orderid');
export const QUANTITY_COLUMN = ORDER_COLUMN_NAMES.indexOf('quantity');
export const PRICE_COLUMN = ORDER_COLUMN_NAMES.indexOf('price');
