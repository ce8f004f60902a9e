import { S3Client } from '@aws-sdk/client-s3';
import { failWithEndpoint } from './connection-error.ts';

/**
 * An S3 client for a lake: AWS's S3 in `region`, or any S3 API at `endpoint` (MinIO, s3rver, …), addressed
 * path-style as those expect and without the SDK's default checksums, which not every emulator understands.
 * Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, a
 * role) in both cases: an S3 API checks them. A request that cannot connect fails with an
 * EndpointUnreachableError naming where it went.
 */
export function createS3Client(connection: {
  readonly endpoint?: string;
  readonly region: string;
}): S3Client {
  const { endpoint, region } = connection;
  const client = new S3Client({
    region,
    ...(endpoint && {
      endpoint,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  });
  client.middlewareStack.add(
    failWithEndpoint(
      'S3',
      endpoint ?? `AWS region ${region}`,
      'Check --s3-endpoint (or the network) and --region.',
    ),
    { step: 'initialize', name: 'failWithEndpoint', override: true },
  );
  return client;
}
