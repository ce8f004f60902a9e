/** What every error record of Firehose's carries. Times are epoch milliseconds, numbers in the JSON. */
interface ErrorRecordFields {
  readonly attemptsMade: number;
  readonly arrivalTimestamp: number;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attemptEndingTimestamp: number;
  /** Base64 of the bytes that failed, so nothing is lost. */
  readonly rawData: string;
}

/**
 * One line of Firehose's error output (docs/aws-contracts.md, Firehose): a record the transform failed, or every
 * record of an invocation that failed after its retries, with its original bytes.
 */
export interface FirehoseErrorRecord extends ErrorRecordFields {
  readonly lambdaArn: string;
}

/** Error codes the delivery writes; the Lambda ones are Firehose's own. */
export const ERROR_CODES = {
  processingFailed: 'Lambda.ProcessingFailedStatus',
  functionError: 'Lambda.FunctionError',
  missingRecordId: 'Lambda.MissingRecordId',
  missingPartitionKey: 'DynamicPartitioning.MissingPartitionKey',
  /** Record format conversion could not deserialize the row into the table's schema. */
  malformedData: 'DataFormatConversion.MalformedData',
} as const;

/** The error record as one JSON line, fields in Firehose's order. */
export function errorRecordLine(record: FirehoseErrorRecord): string {
  const {
    attemptsMade,
    arrivalTimestamp,
    errorCode,
    errorMessage,
    attemptEndingTimestamp,
    rawData,
    lambdaArn,
  } = record;
  return `${JSON.stringify({ attemptsMade, arrivalTimestamp, errorCode, errorMessage, attemptEndingTimestamp, rawData, lambdaArn })}\n`;
}

/**
 * One line of Firehose's error output for record format conversion (under `format-conversion-failed/`): the
 * row the conversion could not deserialize, as it came from the transform (base64), with the Kinesis record it
 * came from and the Glue table it was converted against. Firehose spells these two codes with capitals.
 */
export interface FormatConversionErrorRecord extends ErrorRecordFields {
  readonly sequenceNumber: string;
  readonly subSequenceNumber: number;
  readonly dataCatalogTable: {
    readonly databaseName: string;
    readonly tableName: string;
    readonly region: string;
  };
}

export function formatConversionErrorLine(record: FormatConversionErrorRecord): string {
  const { attemptsMade, arrivalTimestamp, errorCode, errorMessage, attemptEndingTimestamp } = record;
  const { rawData, sequenceNumber, subSequenceNumber, dataCatalogTable } = record;
  return `${JSON.stringify({
    attemptsMade,
    arrivalTimestamp,
    ErrorCode: errorCode,
    ErrorMessage: errorMessage,
    attemptEndingTimestamp,
    rawData,
    sequenceNumber,
    subSequenceNumber,
    dataCatalogTable,
  })}\n`;
}
