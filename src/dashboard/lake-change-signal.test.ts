import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ScriptedS3Listing } from '../../test/helpers/scripted-s3-listing.ts';
import { listNewestPartitions } from './lake-change-signal.ts';

const NOW = Date.parse('2026-12-01T00:20:00Z');
const object = (date: string, n: number) =>
  `orders_cdc/dt=${date}/orders-cdc-1-${date}-00-00-0${n}-uuid.parquet`;
const noWait = { sleep: async () => {} };

describe('listNewestPartitions', () => {
  it('lists today’s and yesterday’s partitions (UTC), every page, and nothing older', async () => {
    const s3 = new ScriptedS3Listing(2)
      .put(object('2026-11-29', 1))
      .put(object('2026-11-30', 1))
      .put(object('2026-11-30', 2), 2048)
      .put(object('2026-11-30', 3))
      .put(object('2026-12-01', 1))
      .put('errors/processing-failed/2026/12/01/00/x');
    const listing = await listNewestPartitions(s3.client, 'lake', NOW);

    expect(listing).toMatchObject({ partitions: ['2026-12-01', '2026-11-30'], objects: 4, bytes: 5 * 1024 });
    expect(s3.requests).toEqual([
      { Prefix: 'orders_cdc/dt=2026-12-01/' },
      { Prefix: 'orders_cdc/dt=2026-11-30/' },
      { Prefix: 'orders_cdc/dt=2026-11-30/', ContinuationToken: '2' },
    ]);
  });

  it('changes its fingerprint when an object arrives or is replaced, and only then', async () => {
    const s3 = new ScriptedS3Listing().put(object('2026-12-01', 1));
    const first = await listNewestPartitions(s3.client, 'lake', NOW);
    expect((await listNewestPartitions(s3.client, 'lake', NOW)).fingerprint).toBe(first.fingerprint);

    s3.put(object('2026-11-20', 1)); // an old partition: not watched
    expect((await listNewestPartitions(s3.client, 'lake', NOW)).fingerprint).toBe(first.fingerprint);

    s3.put(object('2026-12-01', 2));
    const second = await listNewestPartitions(s3.client, 'lake', NOW);
    expect(second.fingerprint).not.toBe(first.fingerprint);
    s3.put(object('2026-12-01', 2), 4096);
    expect((await listNewestPartitions(s3.client, 'lake', NOW)).fingerprint).not.toBe(second.fingerprint);
  });

  it('retries S3 throttling (SlowDown) and reports a refusal naming the bucket and prefix', async () => {
    const slowDown = new S3ServiceException({
      name: 'SlowDown',
      $fault: 'server',
      message: 'Please reduce your request rate.',
      $metadata: { httpStatusCode: 503 },
    });
    const s3 = new ScriptedS3Listing().put(object('2026-12-01', 1)).failNext(slowDown, slowDown);
    expect((await listNewestPartitions(s3.client, 'lake', NOW, noWait)).objects).toBe(1);

    const denied = new S3ServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      message: 'Access Denied',
      $metadata: { httpStatusCode: 403 },
    });
    s3.failNext(denied);
    await expect(listNewestPartitions(s3.client, 'lake', NOW, noWait)).rejects.toThrow(
      'S3 ListObjectsV2 of s3://lake/orders_cdc/dt=2026-12-01/ failed: AccessDenied: Access Denied.',
    );
  });
});
