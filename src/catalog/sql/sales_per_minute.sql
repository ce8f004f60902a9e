-- sales_per_minute: orders placed and their value per minute (UTC), from each order's INSERT event.
SELECT
  substr(created_at, 1, 16) AS minute,
  count(DISTINCT orderid) AS orders,
  sum(price * quantity) AS revenue
FROM (SELECT DISTINCT orderid, created_at, price, quantity FROM orders_cdc WHERE cdc_event_type = 'INSERT' AND orderid NOT LIKE 'heartbeat#%') AS placed
GROUP BY substr(created_at, 1, 16)
ORDER BY minute
