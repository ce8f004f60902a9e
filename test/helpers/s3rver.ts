import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll } from 'vitest';
import { createS3Client } from '../../src/aws/s3-client.ts';
import { makeTempDir } from './temp-dir.ts';

/** s3rver knows one hard-coded key pair and checks request signatures against it. */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

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

/**
 * A suite over a real S3 API (s3rver, one bucket `bucket`, data in a temp dir), started before the suite's
 * tests and stopped after them. `client` is built as the product builds its S3 clients (src/aws/s3-client.ts),
 * with s3rver's credentials. Call at a suite file's top level.
 */
export function s3rverSuite(bucket: string) {
  const dataDir = makeTempDir('s3rver');
  let child: ChildProcess | undefined;
  let endpoint: string | undefined;
  let client: ReturnType<typeof createS3Client> | undefined;
  beforeAll(async () => {
    const modulePath = createRequire(import.meta.url).resolve('s3rver');
    child = fork('-e', [S3RVER_CHILD, modulePath, dataDir.path, bucket], {
      execArgv: ['--openssl-legacy-provider'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    endpoint = `http://127.0.0.1:${await portOf(child, 15_000)}`;
    Object.assign(process.env, S3RVER_CREDENTIALS);
    client = createS3Client({ endpoint, region: 'us-east-1' });
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
  return {
    get endpoint(): string {
      if (!endpoint) throw new Error('s3rver is not started yet: use it inside a test');
      return endpoint;
    },
    get client(): ReturnType<typeof createS3Client> {
      if (!client) throw new Error('s3rver is not started yet: use it inside a test');
      return client;
    },
  };
}

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
