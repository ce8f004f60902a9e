-- cdc_event_mix: change events by kind, each event counted once however often it was delivered.
-- Backfilled rows are their own kind, SNAPSHOT: items as a scan found them, not changes. Heartbeat markers (orderid heartbeat#…) are no orders: left out.
SELECT cdc_event_type, count(DISTINCT event_id) AS events
FROM orders_cdc
WHERE orderid NOT LIKE 'heartbeat#%'
GROUP BY cdc_event_type
ORDER BY cdc_event_type
