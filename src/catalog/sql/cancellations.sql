-- cancellations: deleted orders per gadget, and how many of them had been cancelled first.
-- (REMOVE events carry the old image, so the gadget and last status are known.)
SELECT
  product_name,
  count(DISTINCT orderid) AS deleted,
  count(DISTINCT CASE WHEN status = 'CANCELLED' THEN orderid END) AS deleted_after_cancel
FROM orders_cdc
WHERE cdc_event_type = 'REMOVE' AND orderid NOT LIKE 'heartbeat#%'
GROUP BY product_name
ORDER BY deleted DESC, product_name
