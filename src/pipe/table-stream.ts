import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describeTable } from '../aws/orders-table.ts';
import { PipelineError } from '../errors/pipeline-error.ts';

/** The table has no stream to read. */
export class NoStreamError extends PipelineError {
  constructor(tableName: string) {
    super(
      'pipe',
      'NO_STREAM',
      `Table ${tableName} has no stream enabled. Enable one with view type NEW_AND_OLD_IMAGES ` +
        '(`gadget-cdc local` creates the orders table that way).',
    );
  }
}

/** The ARN of the table's current stream. */
export async function tableStreamArn(dynamodb: DynamoDBClient, tableName: string): Promise<string> {
  const table = await describeTable(dynamodb, tableName);
  if (!table.LatestStreamArn || table.StreamSpecification?.StreamEnabled === false)
    throw new NoStreamError(tableName);
  return table.LatestStreamArn;
}
