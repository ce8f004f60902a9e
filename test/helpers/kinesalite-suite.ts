import { join } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { createAwsClients } from '../../src/aws/aws-clients.ts';
import type { RunningServer } from '../../src/local/dynamodb-local.ts';
import { startKinesisLocal } from '../../src/local/kinesis-local.ts';
import { makeTempDir } from './temp-dir.ts';

/**
 * A suite over a real kinesalite persisting in a temp dir, started once before its tests and stopped after
 * them. The transform's per-invocation log line is kept off the test output. Call at a suite file's top level.
 */
export function kinesaliteSuite(name: string) {
  const dir = makeTempDir(name);
  let server: RunningServer | undefined;
  let clients: ReturnType<typeof createAwsClients> | undefined;
  beforeAll(async () => {
    server = await startKinesisLocal({
      host: '127.0.0.1',
      port: undefined,
      storePath: join(dir.path, 'kinesis'),
      startTimeoutMs: 30_000,
    });
    clients = createAwsClients({ endpoint: server.endpoint });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterAll(async () => {
    clients?.destroy();
    await server?.stop();
    dir.remove();
    vi.restoreAllMocks();
  });
  const suite = {
    dir,
    get kinesalite(): RunningServer {
      if (!server) throw new Error('kinesalite is not started yet: use it inside a test');
      return server;
    },
    get clients(): ReturnType<typeof createAwsClients> {
      if (!clients) throw new Error('kinesalite is not started yet: use it inside a test');
      return clients;
    },
    /** Puts the payloads on the stream, 500 a call, each under its own partition key; none may fail. */
    async putOnKinesis(streamName: string, payloads: readonly Uint8Array[]): Promise<void> {
      for (let i = 0; i < payloads.length; i += 500) {
        const Records = payloads.slice(i, i + 500).map((Data, j) => ({ Data, PartitionKey: `key-${i + j}` }));
        const answer = await suite.clients.kinesis.send(
          new PutRecordsCommand({ StreamName: streamName, Records }),
        );
        expect(answer.FailedRecordCount ?? 0).toBe(0);
      }
    },
  };
  return suite;
}
