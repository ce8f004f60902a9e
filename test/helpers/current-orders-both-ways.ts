import { DuckDbLake } from '../../src/catalog/duckdb-lake.ts';
import { namedQuerySql } from '../../src/catalog/named-queries.ts';

/**
 * `current_orders` of a lake folder two ways, rows sorted by orderid: as DuckDbLake maintains it (snapshot plus
 * the objects not absorbed) and as the named query defines it over the whole history (what Athena runs).
 */
export async function currentOrdersBothWays(lakeDir: string) {
  const lake = await DuckDbLake.open(lakeDir);
  try {
    const maintained = await lake.rows('SELECT * FROM current_orders ORDER BY orderid');
    const fromHistory = await lake.rows(
      `SELECT * FROM (${namedQuerySql('current_orders')}) ORDER BY orderid`,
    );
    return { maintained, fromHistory };
  } finally {
    lake.close();
  }
}
