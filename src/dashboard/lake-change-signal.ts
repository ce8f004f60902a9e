import { createHash } from 'node:crypto';
import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { type RetryPolicy, withRetries } from '../aws/aws-retry.ts';
import { partitionDate, partitionPrefix } from '../catalog/lake-layout.ts';

/** The one S3 call made here; an `S3Client` fits, and so does a scripted client in tests. */
export interface S3ListApi {
  send(command: ListObjectsV2Command): Promise<ListObjectsV2CommandOutput>;
}

/** The newest partitions of the lake as one listing saw them. */
export interface LakeListing {
  /** The `dt` dates listed, newest first. */
  readonly partitions: readonly string[];
  readonly objects: number;
  readonly bytes: number;
  /** Differs from an earlier listing's whenever an object there appeared, went or was replaced. */
  readonly fingerprint: string;
}

const DAY_MS = 86_400_000;

/**
 * Whether the lake has a new object, for the price of a ListObjectsV2 or two: the objects of today's and
 * yesterday's (UTC) partitions of `orders_cdc/`. Firehose puts each row in the partition of its change's date,
 * so new objects land in today's, or yesterday's for changes made just before midnight; at midnight the listing
 * moves on a day, and the panels are computed once more. An object written into an older partition (a replay
 * of old changes) is not seen until the newest partitions change too.
 */
export async function listNewestPartitions(
  s3: S3ListApi,
  bucket: string,
  nowMs: number,
  retry: RetryPolicy = {},
): Promise<LakeListing> {
  const partitions = [partitionDate(nowMs), partitionDate(nowMs - DAY_MS)];
  const hash = createHash('sha256');
  let objects = 0;
  let bytes = 0;
  for (const date of partitions) {
    const prefix = partitionPrefix(date);
    let token: string | undefined;
    do {
      const page = await withRetries(
        `S3 ListObjectsV2 of s3://${bucket}/${prefix}`,
        () => s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })),
        retry,
      );
      for (const object of page.Contents ?? []) {
        hash.update(`${object.Key}\t${object.Size}\t${object.ETag}\n`);
        objects++;
        bytes += object.Size ?? 0;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return { partitions, objects, bytes, fingerprint: hash.digest('hex') };
}
