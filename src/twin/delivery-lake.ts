import { resolveRegion } from '../aws/aws-connection.ts';
import { createS3Client } from '../aws/s3-client.ts';
import { LocalDiskStore } from '../lake/local-disk-store.ts';
import type { ObjectStore } from '../lake/object-store.ts';
import type { S3Location } from '../lake/s3-location.ts';
import { S3Store } from '../lake/s3-store.ts';

/** Where the delivery writes: a lake folder, or a bucket through AWS's S3 or any S3 API at `endpoint`. */
export type LakeTarget =
  | { readonly kind: 'folder'; readonly dir: string }
  | {
      readonly kind: 's3';
      readonly location: S3Location;
      readonly endpoint?: string;
      readonly region?: string;
    };

export interface OpenLake {
  readonly store: ObjectStore;
  /** The folder, or `s3://bucket/prefix/`: what to tell the user. */
  readonly where: string;
  close(): void;
}

/**
 * Opens the lake a delivery writes to. A bucket is checked first (it exists, the credentials may list it), so
 * a wrong one is one clear error before anything is read from Kinesis.
 */
export async function openLake(target: LakeTarget): Promise<OpenLake> {
  if (target.kind === 'folder') {
    const store = new LocalDiskStore(target.dir);
    return { store, where: store.root, close: () => {} };
  }
  const client = createS3Client({
    region: resolveRegion(target.region),
    ...(target.endpoint && { endpoint: target.endpoint }),
  });
  try {
    const store = new S3Store({ client, ...target.location });
    await store.checkAccess();
    return { store, where: store.location, close: () => client.destroy() };
  } catch (error) {
    client.destroy();
    throw error;
  }
}
