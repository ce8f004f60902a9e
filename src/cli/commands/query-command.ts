import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DuckDbLake } from '../../catalog/duckdb-lake.ts';
import { namedQueries, namedQuerySql, namedQuerySummary } from '../../catalog/named-queries.ts';
import { formatCsv, formatTable, plainValue } from '../result-table.ts';
import { addDataDirOption } from '../shared-options.ts';

export function queryCommand(): Command {
  const command = new Command('query')
    .summary('run a named query or SQL over the lake (DuckDB locally, as Athena on AWS)')
    .argument('[name-or-sql]', `a named query (${namedQueries().join(', ')}) or a SQL statement`)
    .description(
      'Runs SQL over the lake: `orders_cdc` (every change event) and `current_orders` (each order as it stands now). ' +
        'Without an argument, lists the named queries.',
    )
    .option('--lake-dir <dir>', 'the lake folder (default: <data-dir>/lake)')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json', 'csv']).default('table'));
  addDataDirOption(command);
  return command.action(
    async (query: string | undefined, options: { dataDir: string; lakeDir?: string; format: string }) => {
      if (query === undefined) {
        for (const name of namedQueries()) console.log(`${name.padEnd(20)} ${namedQuerySummary(name)}`);
        return;
      }
      const sql = namedQueries().includes(query) ? namedQuerySql(query) : query;
      const lake = await DuckDbLake.open(resolve(options.lakeDir ?? join(options.dataDir, 'lake')));
      try {
        const rows = (await lake.rows(sql)).map((row) =>
          Object.fromEntries(Object.entries(row).map(([key, value]) => [key, plainValue(value)])),
        );
        if (options.format === 'json') for (const row of rows) console.log(JSON.stringify(row));
        else if (options.format === 'csv') console.log(formatCsv(rows));
        else console.log(formatTable(rows));
      } finally {
        lake.close();
      }
    },
  );
}
