import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { InvalidOptionError, PipelineError } from '../errors/pipeline-error.ts';
import {
  assertValidKeyPrefix,
  assertValidObjectKey,
  isValidObjectKey,
  ObjectNotFoundError,
  type ObjectStore,
  type ObjectSummary,
  sortByObjectKey,
} from './object-store.ts';

export interface S3StoreProps {
  /** The client to send requests with; its region, endpoint and credentials decide where they go. */
  readonly client: S3Client;
  readonly bucket: string;
  /**
   * Folder inside the bucket that holds the store's keys: key `k` is object `<prefix>/k`. A missing trailing
   * '/' is added.
   * @default '' — keys are object names at the bucket root
   */
  readonly prefix?: string;
}

/** DeleteObjects accepts at most this many keys per request. */
const DELETE_BATCH_KEYS = 1000;
const FAILED_KEYS_SHOWN = 5;

/** DeleteObjects reported keys it could not delete. */
export class ObjectDeleteError extends PipelineError {
  constructor(
    readonly failures: ReadonlyArray<{ readonly key: string; readonly code: string }>,
    location: string,
  ) {
    const shown = failures
      .slice(0, FAILED_KEYS_SHOWN)
      .map(({ key, code }) => `${JSON.stringify(key)} (${code})`);
    super(
      'lake',
      'OBJECT_DELETE_FAILED',
      `Could not delete ${failures.length} object(s) in ${location}: ${shown.join(', ')}` +
        `${failures.length > shown.length ? ', …' : ''}. Check the bucket policy and retry.`,
    );
  }
}

/**
 * The lake on S3. PUT is atomic on S3 (readers see the old object or the new one), so `put` is one PutObject.
 * SDK errors other than "not found" (throttling, access denied, network) propagate unchanged for the caller to
 * retry or report.
 */
export class S3Store implements ObjectStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(props: S3StoreProps) {
    if (props.bucket === '') throw new InvalidOptionError('lake', 'S3Store needs a bucket name; got "".');
    const prefix = props.prefix ?? '';
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    assertValidKeyPrefix(this.prefix);
    this.client = props.client;
    this.bucket = props.bucket;
    this.location = `s3://${this.bucket}/${this.prefix}`;
  }

  /**
   * Checks that the bucket exists and the credentials may list the store's prefix, so a wrong bucket is one
   * clear error before anything is read rather than a write that keeps failing.
   */
  async checkAccess(): Promise<void> {
    try {
      await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, MaxKeys: 1 }),
      );
    } catch (error) {
      if (!(error instanceof Error) || error instanceof PipelineError) throw error;
      const missing = error.name === 'NoSuchBucket';
      throw new PipelineError(
        'lake',
        missing ? 'LAKE_BUCKET_NOT_FOUND' : 'LAKE_NOT_ACCESSIBLE',
        missing
          ? `Bucket ${this.bucket} does not exist. Create it (aws s3 mb s3://${this.bucket}) or give another bucket.`
          : `Cannot list ${this.location}: ${error.name}: ${error.message.split('\n')[0]}. Check the credentials ` +
              '(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or AWS_PROFILE) and that they may list, get and put there.',
        { cause: error },
      );
    }
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.objectName(key), Body: body }),
    );
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectName(key) }),
      );
      return (await response.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key, this.location);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectName(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Objects whose names this store could not address (a console "folder" marker `a/`, `a//b`, a dot-name) are
   * left out, so every listed key can be passed to `get` and `delete`. The result is sorted here too: emulators
   * do not all return S3's order.
   */
  async list(prefix: string): Promise<ObjectSummary[]> {
    assertValidKeyPrefix(prefix);
    const found: ObjectSummary[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          ...(continuationToken ? { ContinuationToken: continuationToken } : {}),
        }),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.prefix.length);
        if (key !== undefined && isValidObjectKey(key)) found.push({ key, size: object.Size ?? 0 });
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (page.IsTruncated && !continuationToken) {
        throw new PipelineError(
          'lake',
          'LIST_TRUNCATED',
          `ListObjectsV2 on ${this.location}${prefix} said the page was truncated but gave no continuation token.`,
        );
      }
    } while (continuationToken);
    return sortByObjectKey(found);
  }

  async delete(keys: readonly string[]): Promise<void> {
    const names = keys.map((key) => this.objectName(key));
    for (let at = 0; at < names.length; at += DELETE_BATCH_KEYS) {
      const batch = names.slice(at, at + DELETE_BATCH_KEYS);
      const response = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      // Deleting a missing key is a success in S3, so any error here is real (e.g. AccessDenied).
      const failures = (response.Errors ?? []).map((error) => ({
        key: (error.Key ?? '').slice(this.prefix.length),
        code: error.Code ?? 'unknown',
      }));
      if (failures.length > 0) throw new ObjectDeleteError(failures, this.location);
    }
  }

  private objectName(key: string): string {
    assertValidObjectKey(key);
    return this.prefix + key;
  }
}

/** GetObject says NoSuchKey; HeadObject has no body, so the SDK can only say NotFound (HTTP 404). */
function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'NoSuchKey' || error.name === 'NotFound') return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404 && error.name !== 'NoSuchBucket';
}
