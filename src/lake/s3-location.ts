import { PipelineError } from '../errors/pipeline-error.ts';
import { assertValidKeyPrefix, InvalidObjectKeyError } from './object-store.ts';

/** A lake in a bucket: `s3://<bucket>/<prefix>`, the prefix '' or ending in '/'. */
export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** A lake location that is not `s3://<bucket>/<prefix>`; `reason` says which rule it breaks. */
export class InvalidS3LocationError extends PipelineError {
  constructor(
    readonly value: string,
    readonly reason: string,
  ) {
    super(
      'lake',
      'INVALID_S3_LOCATION',
      `${JSON.stringify(value)} is not a lake location: ${reason}. Give s3://<bucket>/<prefix>, e.g. s3://my-lake-bucket/gadget-sales/.`,
    );
  }
}

/** S3's rule for general purpose bucket names: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://bucket` or `s3://bucket/some/prefix[/]`; anything else is an InvalidS3LocationError. */
export function parseS3Location(value: string): S3Location {
  const match = /^s3:\/\/([^/]*)\/?(.*)$/.exec(value);
  if (!match) throw new InvalidS3LocationError(value, 'it does not start with s3://');
  const [, bucket = '', rest = ''] = match;
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new InvalidS3LocationError(
      value,
      `"${bucket}" is not a bucket name (3-63 of a-z 0-9 . -, starting and ending with a letter or digit)`,
    );
  }
  const prefix = rest === '' || rest.endsWith('/') ? rest : `${rest}/`;
  try {
    assertValidKeyPrefix(prefix);
  } catch (error) {
    if (!(error instanceof InvalidObjectKeyError)) throw error;
    throw new InvalidS3LocationError(
      value,
      `its prefix "${prefix}" cannot hold the lake's keys: ${error.rule}`,
    );
  }
  return { bucket, prefix };
}
