import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3ListApi } from '../../src/dashboard/lake-change-signal.ts';

/**
 * An in-memory bucket answering ListObjectsV2 as S3 does: keys under the Prefix in order, at most `pageSize` a
 * page, the rest after NextContinuationToken. `failNext` makes the next call throw (throttling, a refusal).
 */
export class ScriptedS3Listing {
  readonly requests: Array<{ readonly Prefix?: string; readonly ContinuationToken?: string }> = [];
  private readonly objects = new Map<string, { size: number; etag: string }>();
  private readonly failures: Error[] = [];
  readonly client = { send: (command: object) => this.answer(command) } as S3ListApi;

  constructor(private readonly pageSize = 1000) {}

  /** Puts (or replaces) an object. */
  put(key: string, size = 1024): this {
    this.objects.set(key, { size, etag: `"${key.length}-${size}-${this.objects.size}"` });
    return this;
  }

  failNext(...errors: Error[]): this {
    this.failures.push(...errors);
    return this;
  }

  private async answer(command: object): Promise<unknown> {
    if (!(command instanceof ListObjectsV2Command))
      throw new Error(`the scripted S3 does not answer ${command.constructor.name}`);
    const { Prefix = '', ContinuationToken } = command.input;
    this.requests.push({ Prefix, ...(ContinuationToken && { ContinuationToken }) });
    const failure = this.failures.shift();
    if (failure) throw failure;
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(Prefix)).sort();
    const from = ContinuationToken === undefined ? 0 : Number(ContinuationToken);
    const page = keys.slice(from, from + this.pageSize);
    const truncated = from + this.pageSize < keys.length;
    return {
      $metadata: {},
      Contents: page.map((Key) => ({
        Key,
        Size: this.objects.get(Key)?.size,
        ETag: this.objects.get(Key)?.etag,
      })),
      KeyCount: page.length,
      IsTruncated: truncated,
      ...(truncated && { NextContinuationToken: String(from + this.pageSize) }),
    };
  }
}
