import { PipelineError } from '../errors/pipeline-error.ts';

/** An existing table or stream has a shape the pipeline cannot use. */
export class IncompatibleResourceError extends PipelineError {
  constructor(message: string) {
    super('aws', 'INCOMPATIBLE_RESOURCE', message);
  }
}

/** The named DynamoDB table does not exist at the endpoint. */
export class TableNotFoundError extends PipelineError {
  constructor(readonly tableName: string) {
    super(
      'aws',
      'TABLE_NOT_FOUND',
      `Table ${JSON.stringify(tableName)} does not exist at this endpoint. Check --table, or create it: ` +
        '`gadget-cdc local` and `gadget-cdc up` create it locally, `npm run deploy` on AWS.',
    );
  }
}
