import { isObject, jsonNumber } from './attribute-json.ts';

/** One `orders_cdc` row as a JSON line (ending in "\n"), and its partition. */
export interface ChangeEventRow {
  readonly line: string;
  /** UTC date of the change, YYYY-MM-DD: the `dt` partition key. */
  readonly dt: string;
}

/** The order columns taken from the changed image, each already rendered as JSON text. */
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

/** The `orders_cdc` row, columns in ORDERS_CDC_COLUMNS order. */
export function ordersCdcRow(fields: ChangeEventFields): ChangeEventRow {
  const { columns } = fields;
  if (fields.timeMs !== lastTimeMs) {
    lastIso = new Date(fields.timeMs).toISOString();
    lastTimeMs = fields.timeMs;
  }
  const iso = lastIso;
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
    `,"image_json":${fields.imageJsonLiteral}}\n`;
  return { line, dt: iso.slice(0, 10) };
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

/** One column from its attribute's S or N text; `quoted` is that text as a JSON string literal. */
export function renderColumn(name: keyof OrderColumns, text: string, quoted: string): string {
  if (name === 'quantity') return intColumn(text);
  if (name === 'price') return decimalColumn(text);
  return quoted;
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
 * `quantity` an integral N or numeric S within int32; `price` the number's exact digits. Anything else —
 * another type, a value out of range, no attribute — is null (the value stays in image_json).
 */
export function column(name: keyof OrderColumns, attribute: unknown): string {
  if (!isObject(attribute)) return 'null';
  const text = attribute.S ?? attribute.N;
  if (typeof text === 'string') return renderColumn(name, text, JSON.stringify(text));
  if (typeof attribute.BOOL !== 'boolean' || name === 'quantity' || name === 'price') return 'null';
  return `"${attribute.BOOL}"`;
}

const INT32_MAX = 2_147_483_647;

function intColumn(text: string): string {
  const trimmed = text.trim();
  if (!/^-?\d{1,10}$/.test(trimmed)) return 'null';
  return Math.abs(Number(trimmed)) <= INT32_MAX ? String(Number(trimmed)) : 'null';
}

function decimalColumn(text: string): string {
  try {
    return jsonNumber(text.trim(), 'price');
  } catch {
    return 'null';
  }
}
