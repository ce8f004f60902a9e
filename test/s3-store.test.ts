import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { describeObjectStoreContract } from '../src/lake/object-store.contract.ts';
import { S3Store } from '../src/lake/s3-store.ts';
import { s3rverSuite } from './helpers/s3rver.ts';

const BUCKET = 'lake-test';
const s3 = s3rverSuite(BUCKET);
let storeCount = 0;

/** Each case gets its own prefix in the one bucket, so cases cannot see each other's objects. */
describeObjectStoreContract(
  'S3Store on s3rver',
  async () => {
    const client = s3.client;
    const store = new S3Store({ client, bucket: BUCKET, prefix: `case-${++storeCount}` });
    return {
      store,
      async cleanup() {
        await store.delete((await store.list('')).map(({ key }) => key));
      },
    };
  },
  {
    emulatorBugs: {
      racingPuts:
        's3rver 3.7.1 writes a PUT body straight into the object file (fs.createWriteStream, no temp file), so ' +
        'two PUTs of one key interleave their bytes; S3 itself keeps one whole body',
    },
  },
);

describe('S3Store', () => {
  it('keeps its keys under the prefix and strips it when listing', async () => {
    const client = s3.client;
    const outer = new S3Store({ client, bucket: BUCKET, prefix: 'outer/' });
    const inner = new S3Store({ client, bucket: BUCKET, prefix: 'outer/inner' });
    expect(inner.location).toBe(`s3://${BUCKET}/outer/inner/`);
    await inner.put('a.json', 'a');
    expect(await outer.list('')).toEqual([{ key: 'inner/a.json', size: 1 }]);
    expect(await inner.list('')).toEqual([{ key: 'a.json', size: 1 }]);
    await inner.delete(['a.json']);
    expect(await outer.list('')).toEqual([]);
  });

  it('leaves out objects it could not address, such as a console folder marker or a dot-name', async () => {
    const client = s3.client;
    const store = new S3Store({ client, bucket: BUCKET, prefix: 'markers' });
    await store.put('kept/a.json', 'a');
    // ('a//b' would belong here too, but s3rver cannot store such a key.)
    for (const Key of ['markers/kept/', 'markers/kept/.half.json.tmp', 'markers/.hidden']) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'raw' }));
    }
    expect(await store.list('')).toEqual([{ key: 'kept/a.json', size: 1 }]);
  });
});
