-- sales_projection: revenue per gadget expected over the next 60 minutes, with a 95% prediction interval and its own backtest.
-- Method: ordinary least squares per gadget over its revenue in the last 30 complete minutes (orders placed, by created_at),
-- extended over the 60 minutes after the last complete minute, each minute floored at zero and rounded to the cent, then summed.
-- Complete minutes: minutes in which some order was placed, except the first (a run starts mid-minute) and the last (it may
-- still be in progress). A gadget's minutes without sales count as zero. Nothing is projected before 5 complete minutes.
-- Doubles, not decimals, for the fit (1e0: a decimal literal would divide to its own scale in Athena).
-- Interval: ±1.96 standard errors of a sum of 60 new minutes (residual spread, normal errors assumed), floored at zero.
-- Backtest: the last 5 complete minutes projected from the complete minutes before them, beside what was actually sold.
WITH placed AS (
  SELECT DISTINCT orderid, product_name, price, quantity, created_at
  FROM orders_cdc
  WHERE cdc_event_type = 'INSERT' AND orderid NOT LIKE 'heartbeat#%'
),
by_minute AS (
  SELECT
    product_name,
    date_diff('minute', TIMESTAMP '1970-01-01 00:00:00', CAST(replace(substr(created_at, 1, 19), 'T', ' ') AS TIMESTAMP)) AS minute,
    sum(price * quantity) AS revenue
  FROM placed
  GROUP BY 1, 2
),
span AS (
  SELECT min(minute) AS first_minute, max(minute) AS last_minute FROM by_minute
),
recent AS (
  SELECT minute FROM (
    SELECT b.minute, row_number() OVER (ORDER BY b.minute DESC) AS age
    FROM (SELECT DISTINCT minute FROM by_minute) AS b CROSS JOIN span AS s
    WHERE b.minute > s.first_minute AND b.minute < s.last_minute
  ) AS complete
  WHERE age <= 30
),
latest AS (
  SELECT max(minute) AS last_complete, count(*) AS complete_minutes FROM recent
),
-- x: minutes before the last complete minute (0 is that minute); every gadget has a point in every recent minute.
points AS (
  SELECT
    g.product_name,
    r.minute - l.last_complete AS x,
    coalesce(b.revenue, 0) AS revenue,
    CAST(coalesce(b.revenue, 0) AS DOUBLE) AS y
  FROM (SELECT DISTINCT product_name FROM placed) AS g
  CROSS JOIN recent AS r
  CROSS JOIN latest AS l
  LEFT JOIN by_minute AS b ON b.product_name = g.product_name AND b.minute = r.minute
),
fit AS (
  SELECT
    product_name, count(*) AS n, avg(x) AS x_mean, var_pop(x) * count(*) AS sxx,
    regr_slope(y, x) AS slope, regr_intercept(y, x) AS intercept
  FROM points
  GROUP BY product_name
  HAVING count(*) >= 5
),
spread AS (
  SELECT
    f.product_name, f.n, f.x_mean, f.sxx, f.slope, f.intercept,
    sqrt(sum((p.y - f.intercept - f.slope * p.x) * (p.y - f.intercept - f.slope * p.x)) / (f.n - 2)) AS sigma
  FROM fit AS f JOIN points AS p ON p.product_name = f.product_name
  GROUP BY f.product_name, f.n, f.x_mean, f.sxx, f.slope, f.intercept
),
held_out_fit AS (
  SELECT product_name, regr_slope(y, x) AS slope, regr_intercept(y, x) AS intercept
  FROM points
  WHERE x <= -5
  GROUP BY product_name
  HAVING count(*) >= 5
),
backtest AS (
  SELECT
    p.product_name,
    sum(p.revenue) AS actual,
    sum(CAST(round(greatest(0, h.intercept + h.slope * p.x), 2) AS DECIMAL(18, 2))) AS projected
  FROM points AS p JOIN held_out_fit AS h ON h.product_name = p.product_name
  WHERE p.x > -5
  GROUP BY p.product_name
),
digits AS (
  SELECT d FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS t(d)
),
ahead AS (
  SELECT 10 * tens.d + ones.d + 1 AS m FROM digits AS tens CROSS JOIN digits AS ones WHERE 10 * tens.d + ones.d < 60
),
-- Each gadget's projected revenue in each of the next 60 minutes (m = 1 is the minute after the last complete one),
-- and the variance of a new minute's revenue around it.
projected AS (
  SELECT
    s.product_name,
    a.m,
    CAST(round(greatest(0, s.intercept + s.slope * a.m), 2) AS DECIMAL(18, 2)) AS revenue,
    s.sigma * s.sigma * (1 + 1e0 / s.n + (a.m - s.x_mean) * (a.m - s.x_mean) / s.sxx) AS variance
  FROM spread AS s CROSS JOIN ahead AS a
),
per_gadget AS (
  SELECT
    s.product_name,
    l.complete_minutes AS minutes_used,
    round(s.intercept, 2) AS revenue_per_minute_now,
    round(s.slope, 2) AS trend_per_minute,
    sum(p.revenue) AS projected_next_60_min,
    round(greatest(0, sum(p.revenue) - 1.96 * s.sigma * sqrt(60 + 3600e0 / s.n + 3600 * (30.5 - s.x_mean) * (30.5 - s.x_mean) / s.sxx)), 2) AS low_95,
    round(sum(p.revenue) + 1.96 * s.sigma * sqrt(60 + 3600e0 / s.n + 3600 * (30.5 - s.x_mean) * (30.5 - s.x_mean) / s.sxx), 2) AS high_95,
    bt.actual AS backtest_actual_last_5_min,
    bt.projected AS backtest_projected_last_5_min
  FROM spread AS s
  CROSS JOIN latest AS l
  JOIN projected AS p ON p.product_name = s.product_name
  LEFT JOIN backtest AS bt ON bt.product_name = s.product_name
  GROUP BY s.product_name, l.complete_minutes, s.n, s.x_mean, s.sxx, s.slope, s.intercept, s.sigma, bt.actual, bt.projected
)
-- answer:
SELECT * FROM per_gadget ORDER BY projected_next_60_min DESC, product_name
