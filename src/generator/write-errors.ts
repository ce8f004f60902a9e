import { PipelineError } from '../errors/pipeline-error.ts';

/** DynamoDB kept refusing a write after every retry. */
export class OrderWriteError extends PipelineError {
  constructor(tableName: string, detail: string, cause?: unknown) {
    super('generator', 'ORDER_WRITE_FAILED', `Writing orders to table ${tableName} failed: ${detail}`, {
      cause,
    });
  }
}
