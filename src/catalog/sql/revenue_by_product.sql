-- revenue_by_product: what the orders standing now are worth, per gadget (cancelled orders excluded).
SELECT
  product_name,
  count(*) AS orders,
  sum(quantity) AS units,
  sum(price * quantity) AS revenue
FROM current_orders
WHERE status <> 'CANCELLED'
GROUP BY product_name
ORDER BY revenue DESC, product_name
