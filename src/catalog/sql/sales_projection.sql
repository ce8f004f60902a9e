-- sales_projection: revenue per gadget expected over the next 60 minutes, from the recent trend.
-- Method: an ordinary least-squares line through each gadget's revenue per minute (orders placed, by created_at;
-- minutes without sales are not points), extended over the next 60 minutes after the last minute seen and
-- summed; never below zero. A gadget with sales in one minute only projects that minute's revenue flat.
-- The data's first and last minutes are usually cut short (a run starts or stops mid-minute, the last one may
-- still be in progress): when the data spans four minutes or more they are not points.
WITH placed AS (
  SELECT DISTINCT orderid, product_name, price, quantity, created_at
  FROM orders_cdc
  WHERE cdc_event_type = 'INSERT'
),
per_minute AS (
  SELECT
    product_name,
    date_diff('minute', TIMESTAMP '1970-01-01 00:00:00', CAST(replace(substr(created_at, 1, 19), 'T', ' ') AS TIMESTAMP)) AS minute,
    CAST(sum(price * quantity) AS DOUBLE) AS revenue
  FROM placed
  GROUP BY 1, 2
),
span AS (
  SELECT min(minute) AS first_minute, max(minute) AS last_minute FROM per_minute
),
points AS (
  SELECT p.product_name, p.minute, p.revenue
  FROM per_minute p CROSS JOIN span s
  WHERE s.last_minute - s.first_minute < 3 OR (p.minute > s.first_minute AND p.minute < s.last_minute)
),
trend AS (
  SELECT
    product_name,
    count(*) AS minutes,
    CASE WHEN count(*) > 1 THEN regr_slope(revenue, minute) ELSE 0 END AS slope,
    CASE WHEN count(*) > 1 THEN regr_intercept(revenue, minute) ELSE avg(revenue) END AS intercept
  FROM points
  GROUP BY product_name
)
SELECT
  product_name,
  minutes AS minutes_seen,
  round(slope, 2) AS revenue_trend_per_minute,
  -- Sum of intercept + slope * m for m = last+1 .. last+60.
  round(greatest(0, 60 * intercept + slope * (60 * last_minute + 1830)), 2) AS projected_revenue_next_60_min
FROM trend CROSS JOIN span
ORDER BY projected_revenue_next_60_min DESC, product_name
