import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_STACK_NAME } from '../../aws/deployed-names.ts';
import { namesFromStack } from '../../aws/stack-outputs.ts';
import { connectAthenaClient } from '../../catalog/athena-client.ts';
import { AthenaEngine } from '../../catalog/athena-engine.ts';
import { DuckDbLake } from '../../catalog/duckdb-lake.ts';
import { isQueryName, namedQueries, namedQuerySql, namedQuerySummary } from '../../catalog/named-queries.ts';
import { plainValue } from '../../catalog/plain-value.ts';
import type { QueryEngine } from '../../catalog/query-engine.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import { existingLake } from '../lake-location.ts';
import { formatCsv, formatTable } from '../result-table.ts';
import { addDataDirOption } from '../shared-options.ts';

interface QueryOptions {
  dataDir: string;
  lakeDir?: string;
  format: 'table' | 'json' | 'csv';
  target: 'local' | 'aws';
  workgroup?: string;
  database?: string;
  outputLocation?: string;
  region?: string;
  profile?: string;
  stack: string;
}

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
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json', 'csv']).default('table'))
    .option(
      '--workgroup <name>',
      'Athena workgroup, for --target aws (default: the one in the deployed stack outputs)',
    )
    .option(
      '--database <name>',
      'Glue database holding orders_cdc, for --target aws (default: the one in the deployed stack outputs)',
    )
    .option(
      '--stack <name>',
      'CloudFormation stack whose outputs name the workgroup and database, for --target aws',
      DEFAULT_STACK_NAME,
    )
    .option(
      '--output-location <s3-uri>',
      "S3 folder for Athena's result files, for --target aws (default: the workgroup's own)",
      parseS3Uri,
    )
    .option(
      '--region <region>',
      'AWS region, for --target aws (default: $AWS_REGION, else the profile region)',
    )
    .option(
      '--profile <name>',
      'AWS profile, for --target aws (default: $AWS_PROFILE, else the default chain)',
    );
  addDataDirOption(command);
  return command.action(async (query: string | undefined, options: QueryOptions) => {
    if (query === undefined) {
      for (const name of namedQueries()) console.log(`${name.padEnd(20)} ${namedQuerySummary(name)}`);
      return;
    }
    // A single word is a query's name (a misspelt one is told so, with the closest name); anything else is SQL.
    const sql = isQueryName(query) ? namedQuerySql(query.trim()) : query;
    // Ctrl-C during an Athena query stops it (StopQueryExecution) rather than leaving it running and billed.
    const interrupt = options.target === 'aws' ? abortOnInterrupt() : undefined;
    try {
      const engine = await openEngine(options, interrupt?.signal);
      try {
        const rows = (await engine.rows(sql)).map((row) =>
          Object.fromEntries(Object.entries(row).map(([key, value]) => [key, plainValue(value)])),
        );
        if (options.format === 'json') for (const row of rows) console.log(JSON.stringify(row));
        else if (options.format === 'csv') console.log(formatCsv(rows));
        else console.log(formatTable(rows));
      } finally {
        await engine.close();
      }
    } finally {
      interrupt?.dispose();
    }
  });
}

async function openEngine(options: QueryOptions, signal: AbortSignal | undefined): Promise<QueryEngine> {
  if (options.target === 'local') return DuckDbLake.open((await existingLake(options)).lakeDir);
  // Region and credentials are checked first (with their own advice), then the names come from the stack.
  const client = await connectAthenaClient({ region: options.region, profile: options.profile });
  try {
    const names = await namesFromStack(
      { stackName: options.stack, region: await client.config.region(), profile: options.profile },
      {
        // Names given as options win over the stack's.
        workGroupName: { value: options.workgroup, option: '--workgroup' },
        databaseName: { value: options.database, option: '--database' },
      },
    );
    const engine = new AthenaEngine(client, {
      workGroup: names.workGroupName,
      database: names.databaseName,
      outputLocation: options.outputLocation,
      signal,
    });
    return {
      rows: (sql) => engine.rows(sql),
      close: () => client.destroy(),
    };
  } catch (error) {
    client.destroy();
    throw error;
  }
}

function parseS3Uri(value: string): string {
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(value)) {
    throw new InvalidArgumentError(
      `--output-location is an S3 URI like s3://my-bucket/athena-results/, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}
