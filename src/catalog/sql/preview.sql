-- preview: the original tutorial's first look at the table (its Athena query), now with every column.
SELECT * FROM orders_cdc LIMIT 10
