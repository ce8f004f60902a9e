/**
 * The `orders_cdc` table: one row per change event. This is the single definition the transform writes,
 * and from which the lake's Parquet schema, the DuckDB views and the Glue table are derived. Column names
 * are a contract (docs/architecture.md, fixed points): the first six are the original tutorial's Athena columns.
 */
export interface OrdersCdcColumn {
  readonly name: string;
  /** Athena/Glue (Hive DDL) type. */
  readonly type: 'string' | 'int' | 'bigint' | 'boolean' | 'decimal(12,2)';
  readonly comment: string;
}

export const ORDERS_CDC_COLUMNS = [
  { name: 'orderid', type: 'string', comment: 'Order key' },
  { name: 'product_name', type: 'string', comment: 'Gadget sold' },
  { name: 'quantity', type: 'int', comment: 'Units ordered' },
  { name: 'price', type: 'decimal(12,2)', comment: 'Unit price, exact' },
  {
    name: 'cdc_event_type',
    type: 'string',
    comment: 'INSERT | MODIFY | REMOVE, or SNAPSHOT: a row of the backfill, no change',
  },
  { name: 'creation_datetime', type: 'string', comment: 'ApproximateCreationDateTime, ISO-8601 UTC' },
  { name: 'event_id', type: 'string', comment: 'DynamoDB stream eventID (dedupe key)' },
  {
    name: 'sequence_number',
    type: 'string',
    comment: 'Stream SequenceNumber, 21-40 digits: order by (length, text)',
  },
  { name: 'event_time_ms', type: 'bigint', comment: 'ApproximateCreationDateTime in epoch milliseconds' },
  { name: 'status', type: 'string', comment: 'PLACED | PAID | SHIPPED | DELIVERED | CANCELLED' },
  { name: 'customer_id', type: 'string', comment: 'Customer who placed the order' },
  { name: 'created_at', type: 'string', comment: 'When the order was placed, ISO-8601 UTC with ms' },
  { name: 'updated_at', type: 'string', comment: 'When the order last changed, ISO-8601 UTC with ms' },
  { name: 'ttl_delete', type: 'boolean', comment: 'True for a REMOVE made by DynamoDB TTL' },
  {
    name: 'image_json',
    type: 'string',
    comment: 'The whole item as JSON, numbers exact (old image for REMOVE)',
  },
  {
    name: 'unrepresentable',
    type: 'string',
    comment:
      "Columns set to NULL because the item's value does not fit their type (comma-separated); image_json has it exactly",
  },
] as const satisfies readonly OrdersCdcColumn[];

export type OrdersCdcColumnName = (typeof ORDERS_CDC_COLUMNS)[number]['name'];

/** The partition column, from the UTC date of the change. */
export const ORDERS_CDC_PARTITION = {
  name: 'dt',
  type: 'string',
  comment: 'UTC date of the change, YYYY-MM-DD',
} as const;
