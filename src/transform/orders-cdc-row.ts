import { canonicalNumber } from '../aws/canonical-item.ts';
import { partitionDate } from '../catalog/lake-layout.ts';
import { DYNAMODB_NUMBER, isObject } from './attribute-json.ts';

/** One `orders_cdc` row as a JSON line (ending in "\n"), and its partition. */
export interface ChangeEventRow {
  readonly line: string;
  /** UTC date of the change, YYYY-MM-DD: the `dt` partition key. */
  readonly dt: string;
  /** The row's `unrepresentable` column: names of the columns set to NULL, comma-separated; '' when none. */
  readonly unrepresentable: string;
}

/**
 * A column whose attribute holds a value the column's type cannot hold exactly (a price with three decimals or
 * eleven integer digits, a quantity beyond int32, a map where a string goes, …). The row gets NULL there and
 * names the column in `unrepresentable`; `image_json` keeps the exact value. Never a rendered column's text.
 */
export const UNREPRESENTABLE = '!unrepresentable';

/** The order columns taken from the changed image, each already rendered as JSON text (or UNREPRESENTABLE). */
export interface OrderColumns {
  orderid: string;
  product_name: string;
  quantity: string;
  price: string;
  status: string;
  customer_id: string;
  created_at: string;
  updated_at: string;
}

/** What a row is made of, however the stream record was read. */
export interface ChangeEventFields {
  readonly eventName: string;
  readonly eventID: string;
  readonly sequenceNumber: string;
  readonly timeMs: number;
  readonly ttlDelete: boolean;
  readonly columns: OrderColumns;
  /** `image_json` as a JSON string literal: the converted image, quoted and escaped. */
  readonly imageJsonLiteral: string;
}

/** A batch's changes mostly share a second: format its time once. */
let lastTimeMs = Number.NaN;
let lastIso = '';
let lastDate = '';

/**
 * The `orders_cdc` row, columns in ORDERS_CDC_COLUMNS order. Every value conforms to the column's type, as
 * the same row becomes Parquet here and through Firehose's record format conversion on AWS (where a row that
 * does not conform is a format-conversion failure and drops out of the table).
 */
export function ordersCdcRow(fields: ChangeEventFields): ChangeEventRow {
  if (fields.timeMs !== lastTimeMs) {
    lastIso = new Date(fields.timeMs).toISOString();
    lastDate = partitionDate(fields.timeMs);
    lastTimeMs = fields.timeMs;
  }
  const iso = lastIso;
  // The common row has every value fitting: no copy of its columns, no list of names.
  let { columns } = fields;
  let unrepresentable = '';
  if (anyUnrepresentable(columns)) {
    columns = { ...columns };
    for (const name of Object.keys(columns) as Array<keyof OrderColumns>) {
      if (columns[name] !== UNREPRESENTABLE) continue;
      columns[name] = 'null';
      unrepresentable += unrepresentable === '' ? name : `,${name}`;
    }
  }
  const line =
    `{"orderid":${columns.orderid}` +
    `,"product_name":${columns.product_name}` +
    `,"quantity":${columns.quantity}` +
    `,"price":${columns.price}` +
    `,"cdc_event_type":"${fields.eventName}"` +
    `,"creation_datetime":"${iso}"` +
    `,"event_id":${JSON.stringify(fields.eventID)}` +
    `,"sequence_number":"${fields.sequenceNumber}"` +
    `,"event_time_ms":${fields.timeMs}` +
    `,"status":${columns.status}` +
    `,"customer_id":${columns.customer_id}` +
    `,"created_at":${columns.created_at}` +
    `,"updated_at":${columns.updated_at}` +
    `,"ttl_delete":${fields.ttlDelete}` +
    `,"image_json":${fields.imageJsonLiteral}` +
    `,"unrepresentable":${unrepresentable === '' ? 'null' : `"${unrepresentable}"`}}\n`;
  return { line, dt: lastDate, unrepresentable };
}

function anyUnrepresentable(c: OrderColumns): boolean {
  return (
    c.orderid === UNREPRESENTABLE ||
    c.product_name === UNREPRESENTABLE ||
    c.quantity === UNREPRESENTABLE ||
    c.price === UNREPRESENTABLE ||
    c.status === UNREPRESENTABLE ||
    c.customer_id === UNREPRESENTABLE ||
    c.created_at === UNREPRESENTABLE ||
    c.updated_at === UNREPRESENTABLE
  );
}

/** Every order column null: where an image has no such attribute. */
export function nullOrderColumns(): OrderColumns {
  return {
    orderid: 'null',
    product_name: 'null',
    quantity: 'null',
    price: 'null',
    status: 'null',
    customer_id: 'null',
    created_at: 'null',
    updated_at: 'null',
  };
}

/** `quantity` or `price` from its attribute's S or N text: the exact literal of the column's type, or UNREPRESENTABLE. */
export function numericColumn(name: 'quantity' | 'price', text: string): string {
  return exactColumn(text, name === 'quantity' ? INT32 : DECIMAL_12_2);
}

/** The order columns of a parsed image. */
export function orderColumnsOf(image: Readonly<Record<string, unknown>>): OrderColumns {
  const columns = nullOrderColumns();
  for (const name of Object.keys(columns) as Array<keyof OrderColumns>)
    columns[name] = column(name, image[name]);
  return columns;
}

/**
 * One column from its attribute: string columns take S as is, N as its text and BOOL as "true"/"false";
 * `quantity` an int32 and `price` a decimal(12,2), from N or numeric S, exactly. No attribute or a NULL is
 * null; any other value is UNREPRESENTABLE (it stays in image_json).
 */
export function column(name: keyof OrderColumns, attribute: unknown): string {
  if (!isObject(attribute)) return 'null';
  const text = attribute.S ?? attribute.N;
  if (typeof text === 'string')
    return name === 'quantity' || name === 'price' ? numericColumn(name, text) : JSON.stringify(text);
  if (attribute.NULL === true) return 'null';
  if (typeof attribute.BOOL !== 'boolean' || name === 'quantity' || name === 'price') return UNREPRESENTABLE;
  return `"${attribute.BOOL}"`;
}

/** A numeric column's type: the JSON number literals it holds exactly, and a bound on their magnitude. */
interface NumericType {
  readonly literal: RegExp;
  readonly fits: (text: string) => boolean;
}

/** Hive's `int`: a whole number in [-2^31, 2^31 - 1]. */
const INT32: NumericType = {
  literal: /^-?(?:0|[1-9]\d{0,9})$/,
  fits: (text) => {
    const value = Number(text);
    return value >= -2_147_483_648 && value <= 2_147_483_647;
  },
};

/** `decimal(12,2)`: at most 10 integer digits and 2 decimals (the literal says it all). */
const DECIMAL_12_2: NumericType = { literal: /^-?(?:0|[1-9]\d{0,9})(?:\.\d{1,2})?$/, fits: () => true };

/**
 * The number as a literal of the column's type, never rounded: as written when it already is one, else its
 * canonical form (trailing zeros and exponent gone: "19.990" and "1.999E1" are 19.99), else UNREPRESENTABLE.
 */
function exactColumn(text: string, type: NumericType): string {
  const trimmed = text.trim();
  if (type.literal.test(trimmed)) return type.fits(trimmed) ? trimmed : UNREPRESENTABLE;
  if (!DYNAMODB_NUMBER.test(trimmed)) return UNREPRESENTABLE;
  const exponent = /[eE][+-]?0*(\d*)$/.exec(trimmed)?.[1] ?? '';
  if (exponent.length > MAX_EXPONENT_DIGITS) return UNREPRESENTABLE;
  const canonical = canonicalNumber(trimmed);
  return type.literal.test(canonical) && type.fits(canonical) ? canonical : UNREPRESENTABLE;
}

/**
 * A numeric text whose exponent has more digits than this is taken as unrepresentable rather than expanded: its
 * canonical digits would be huge (S text is not bounded like N's 38 digits and ±125 exponent).
 */
const MAX_EXPONENT_DIGITS = 3;
