import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_STACK_NAME } from '../../aws/deployed-names.ts';
import { GLUE_TABLE_NAME } from '../../catalog/athena-current-orders.ts';
import { namedQueries } from '../../catalog/named-queries.ts';
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
      '--current-state-table <name>',
      'the table current_orders ranks, for --target aws: orders_cdc (the whole history) or the current-state ' +
        'table (default: the stack output CurrentStateTableName when the stack has one, else orders_cdc)',
      parseTableName,
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
  return command.action(async (query: string | undefined, options: QueryOptions) =>
    (await import('./query-action.ts')).queryAction(query, options),
  );
}

function parseTableName(value: string): string {
  if (!GLUE_TABLE_NAME.test(value))
    throw new InvalidArgumentError(
      `--current-state-table is a Glue table name (letters, digits and _), got ${JSON.stringify(value)}.`,
    );
  return value;
}

function parseS3Uri(value: string): string {
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(value)) {
    throw new InvalidArgumentError(
      `--output-location is an S3 URI like s3://my-bucket/athena-results/, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}
