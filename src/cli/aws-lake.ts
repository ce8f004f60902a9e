import type { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { namesFromStack } from '../aws/stack-outputs.ts';
import { connectAthenaClient } from '../catalog/athena-client.ts';
import { AthenaEngine } from '../catalog/athena-engine.ts';

/** The options naming a deployed stack's lake (and table) for `--target aws`: see `addAwsLakeOptions`. */
export interface AwsLakeOptions {
  stack: string;
  region?: string;
  profile?: string;
  workgroup?: string;
  database?: string;
  currentStateTable?: string;
  outputLocation?: string;
}

/** A deployed stack's lake in Athena, and its orders table when asked for. */
export interface AwsLake {
  readonly engine: AthenaEngine;
  readonly athena: AthenaClient;
  readonly region: string;
  readonly names: {
    readonly workGroupName: string;
    readonly databaseName: string;
    readonly currentStateTableName?: string;
  };
  /** Releases the SDK clients. */
  close(): void;
}

export interface AwsLakeWithTable extends AwsLake {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
}

/**
 * Athena over the deployed stack: region and credentials are checked first (with their own advice), then the
 * names not given as options come from the stack's outputs (one DescribeStacks call, only if one is missing).
 */
export async function openAwsLake(options: AwsLakeOptions, signal?: AbortSignal): Promise<AwsLake>;
export async function openAwsLake(
  options: AwsLakeOptions,
  signal: AbortSignal | undefined,
  table: { readonly value: string | undefined },
): Promise<AwsLakeWithTable>;
export async function openAwsLake(
  options: AwsLakeOptions,
  signal?: AbortSignal,
  table?: { readonly value: string | undefined },
): Promise<AwsLake | AwsLakeWithTable> {
  const athena = await connectAthenaClient({ region: options.region, profile: options.profile });
  try {
    const region = await athena.config.region();
    const wanted = {
      // Names given as options win over the stack's.
      workGroupName: { value: options.workgroup, option: '--workgroup' },
      databaseName: { value: options.database, option: '--database' },
    };
    const optional = {
      currentStateTableName: { value: options.currentStateTable, option: '--current-state-table' },
    };
    const lookup = { stackName: options.stack, region, profile: options.profile };
    const names = table
      ? await namesFromStack(
          lookup,
          { ...wanted, tableName: { value: table.value, option: '--table' } },
          optional,
        )
      : await namesFromStack(lookup, wanted, optional);
    const engine = new AthenaEngine(athena, {
      workGroup: names.workGroupName,
      database: names.databaseName,
      currentOrdersTable: names.currentStateTableName,
      outputLocation: options.outputLocation,
      signal,
    });
    const lake = { engine, athena, region, names };
    if (!('tableName' in names)) return { ...lake, close: () => athena.destroy() };
    const dynamodb = new DynamoDBClient({
      region,
      ...(options.profile ? { profile: options.profile } : {}),
    });
    return {
      ...lake,
      dynamodb,
      tableName: names.tableName as string,
      close: () => {
        athena.destroy();
        dynamodb.destroy();
      },
    };
  } catch (error) {
    athena.destroy();
    throw error;
  }
}
