import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_STACK_NAME } from '../aws/deployed-names.ts';
import { GLUE_TABLE_NAME } from '../catalog/current-orders-sql.ts';

/**
 * The options of a command that reads the deployed stack's lake with `--target aws` (`AwsLakeOptions`): the
 * names it needs come from the stack's outputs unless given here. Cheap to load: the SDK is imported only
 * when the command runs (src/cli/aws-lake.ts).
 */
export function addAwsLakeOptions(command: Command): Command {
  return command
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
      parseGlueTableName,
    )
    .option(
      '--stack <name>',
      'CloudFormation stack whose outputs name what is not given, for --target aws',
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
}

function parseGlueTableName(value: string): string {
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
