import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeObjectStoreContract } from '../src/lake/object-store.contract.ts';
import { S3Store } from '../src/lake/s3-store.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

const BUCKET = 'lake-test';

/**
 * Runs s3rver in its own Node process:
 * - `--openssl-legacy-provider`: s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 17+
 *   only offers with the legacy provider; without it every truncated page (the paging case) is a 500.
 * - port 0 and the address reported over IPC: no race for a "free" port;
 * - the child exits when the IPC channel closes, which the kernel does however this test process dies, so
 *   no s3rver outlives the run.
 */
const S3RVER_CHILD = `
const [, modulePath, directory, bucket] = process.argv;
const S3rver = require(modulePath);
process.on('disconnect', () => process.exit(0));
new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] })
  .run()
  .then(({ port }) => process.send({ port }), (error) => { console.error(error); process.exit(1); });
`;

let child: ChildProcess | undefined;
let client: S3Client | undefined;
const dataDir = makeTempDir('s3rver');
let storeCount = 0;

beforeAll(async () => {
  const modulePath = createRequire(import.meta.url).resolve('s3rver');
  child = fork('-e', [S3RVER_CHILD, modulePath, dataDir.path, BUCKET], {
    execArgv: ['--openssl-legacy-provider'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const port = await portOf(child, 15_000);
  client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    // s3rver knows one hard-coded key pair and checks request signatures against it.
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    // Without these the SDK streams bodies with aws-chunked framing, which s3rver stores verbatim.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});

afterAll(async () => {
  client?.destroy();
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  dataDir.remove();
});

/** Each case gets its own prefix in the one bucket, so cases cannot see each other's objects. */
describeObjectStoreContract(
  'S3Store on s3rver',
  async () => {
    if (!client) throw new Error('s3rver did not start');
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
    if (!client) throw new Error('s3rver did not start');
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
    if (!client) throw new Error('s3rver did not start');
    const store = new S3Store({ client, bucket: BUCKET, prefix: 'markers' });
    await store.put('kept/a.json', 'a');
    // ('a//b' would belong here too, but s3rver cannot store such a key.)
    for (const Key of ['markers/kept/', 'markers/kept/.half.json.tmp', 'markers/.hidden']) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'raw' }));
    }
    expect(await store.list('')).toEqual([{ key: 'kept/a.json', size: 1 }]);
  });
});

function portOf(process: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    process.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(
      () => reject(new Error(`s3rver did not start in ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    process.once('message', (message: { port: number }) => {
      clearTimeout(timer);
      resolve(message.port);
    });
    process.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code} before starting: ${stderr}`));
    });
  });
}
