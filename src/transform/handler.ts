/**
 * The Firehose transformation Lambda: DynamoDB stream records (as EventBridge Pipes puts them on Kinesis)
 * in, one `orders_cdc` JSON line per change out, partitioned by `dt`. Deployed to AWS Lambda as it is, and
 * invoked in-process by the local delivery worker. Never throws for bad data: a record it cannot read is
 * ProcessingFailed, alone, with its reason in the invocation's log line.
 */
import type { FirehoseTransformationEvent, FirehoseTransformationResponse } from './firehose-event.ts';
import { transformBatch } from './transform-batch.ts';
import { transformRecord } from './transform-record.ts';

export async function handler(
  event: FirehoseTransformationEvent,
  _context?: unknown,
): Promise<FirehoseTransformationResponse> {
  const { response, summary } = transformBatch(event, transformRecord);
  // Straight to stdout, not console.log: Lambda's console.log prefixes each line with a time, the request id
  // and a level, and the log group's metric filters (ProcessingFailed, unrepresentable values) read only a
  // log event that is JSON as a whole.
  process.stdout.write(
    `${JSON.stringify({
      level: summary.results.ProcessingFailed > 0 || summary.unrepresentable > 0 ? 'WARN' : 'INFO',
      message: 'transformed',
      ...summary,
    })}\n`,
  );
  return response;
}
