-- current_orders: each order as it stands now, as a full scan of the table would show it.
-- The latest change event per order wins, ordered by the stream sequence number (21-40 digits: compared by length, then text, never as a number); orders whose latest
-- event is a REMOVE are gone. Duplicate deliveries of an event are harmless: they rank the same.
-- A column whose value does not fit its type is NULL and named in unrepresentable; image_json has every value exactly.
-- Heartbeat markers (orderid heartbeat#…, written and removed by `gadget-cdc heartbeat`) are no orders: left out.
-- Common subset of Athena (Trino) and DuckDB SQL.
WITH ranked AS (
  SELECT
    orderid, product_name, quantity, price, status, customer_id, created_at, updated_at,
    cdc_event_type, sequence_number, event_time_ms, image_json, unrepresentable,
    row_number() OVER (
      PARTITION BY orderid
      ORDER BY length(sequence_number) DESC, sequence_number DESC
    ) AS recency
  FROM orders_cdc
)
SELECT
  orderid, product_name, quantity, price, status, customer_id, created_at, updated_at,
  sequence_number, event_time_ms, image_json, unrepresentable
FROM ranked
WHERE recency = 1 AND cdc_event_type <> 'REMOVE' AND orderid NOT LIKE 'heartbeat#%'
