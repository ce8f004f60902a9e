import { Command, InvalidArgumentError, Option } from 'commander';
import { namedQueries } from '../../catalog/named-queries.ts';
import { addAwsLakeOptions } from '../aws-lake-options.ts';
import { parseWholeInRange } from '../option-parsers.ts';
import { addDataDirOption } from '../shared-options.ts';
import type { QueryOptions } from './query-action.ts';

export function queryCommand(): Command {
  const command = new Command('query')
    .summary('run a named query or SQL over the lake (DuckDB locally, Athena with --target aws)')
    .argument('[name-or-sql]', `a named query (${namedQueries().join(', ')}) or a SQL statement`)
    .description(
      'Runs SQL over the lake: `orders_cdc` (every change event) and `current_orders` (each order as it stands now). ' +
        'Without an argument, lists the named queries. --target local (the default) runs DuckDB over the lake ' +
        'folder; --target aws runs the same SQL in Athena over the Glue table (and creates or replaces the view ' +
        '`current_orders` there first when the SQL uses it). With --target aws the workgroup and database not ' +
        'given as options are read from the outputs of the deployed stack (`npm run deploy`, --stack).',
    )
    .addOption(
      new Option('--target <target>', 'where the lake is: local = DuckDB over --lake-dir, aws = Athena')
        .choices(['local', 'aws'])
        .default('local'),
    )
    .option('--lake-dir <dir>', 'the lake folder, for --target local (default: <data-dir>/lake)')
    .addOption(
      new Option(
        '--format <format>',
        'output: an aligned table, JSON lines (decimals such as prices and revenue as strings with their exact ' +
          'digits, other numbers as numbers, NULL as null) or CSV; rows in the same order in each',
      )
        .choices(['table', 'json', 'csv'])
        .default('table'),
    )
    .option(
      '--limit <rows>',
      'print only the first rows (the table says how many there were in all)',
      parseWholeInRange('--limit', 'rows', 1, 1_000_000_000),
    )
    .option('--output <file>', 'write the rows to this file instead of the terminal (replaced if it exists)')
    .option(
      '--as-of <time>',
      'current_orders as it stood then, from the change events (ISO-8601 with a zone, e.g. 2026-12-01T10:00:00Z); ' +
        'by the stream time of each change, which DynamoDB Local stamps to the minute',
      parseInstant,
    );
  addAwsLakeOptions(command);
  addDataDirOption(command);
  return command.action(async (query: string | undefined, options: QueryOptions) =>
    (await import('./query-action.ts')).queryAction(query, options),
  );
}

/** An instant, in ms: ISO-8601 with a zone, so that it means one moment wherever it is typed. */
function parseInstant(value: string): number {
  const ms = Date.parse(value);
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  // Date.parse rolls a day the month lacks over (2026-02-30 is March 2): such a date is refused, not moved.
  const realDay = new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    Number.isNaN(ms) ||
    !realDay
  )
    throw new InvalidArgumentError(
      `--as-of is an ISO-8601 time with a zone, like 2026-12-01T10:00:00Z or 2026-12-01T11:00:00+01:00, got ${JSON.stringify(value)}.`,
    );
  return ms;
}
