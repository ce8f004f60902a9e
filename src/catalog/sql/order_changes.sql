-- order_changes: what the updates changed: each status move (from -> to) and the quantity changes, with deltas.
-- Each MODIFY is compared with the order's previous event (by sequence number); events delivered twice count once.
-- Backfill snapshots are no events: a snapshot taken after a change would otherwise pose as the state before it.
WITH events AS (
  SELECT DISTINCT orderid, sequence_number, cdc_event_type, status, quantity
  FROM orders_cdc
  WHERE cdc_event_type <> 'SNAPSHOT' AND orderid NOT LIKE 'heartbeat#%'
),
ordered AS (
  SELECT
    cdc_event_type, status, quantity,
    lag(status) OVER (PARTITION BY orderid ORDER BY length(sequence_number), sequence_number) AS previous_status,
    lag(quantity) OVER (PARTITION BY orderid ORDER BY length(sequence_number), sequence_number) AS previous_quantity
  FROM events
)
SELECT
  CASE
    WHEN previous_status IS NULL THEN 'unknown -> ' || status
    WHEN status <> previous_status THEN previous_status || ' -> ' || status
    ELSE 'quantity change'
  END AS change,
  count(*) AS changes,
  sum(quantity - previous_quantity) AS quantity_delta
FROM ordered
WHERE cdc_event_type = 'MODIFY'
GROUP BY 1
ORDER BY changes DESC, change
