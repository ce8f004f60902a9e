import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../src/aws/aws-clients.ts';
import { startLocalStack } from '../src/local/local-stack.ts';
import type { StackRecord } from '../src/local/stack-lock.ts';
import { waitFor, waitUntilGone } from './helpers/processes.ts';
import { CLI, collectOutput, runCli, spawnTsx } from './helpers/spawn-tsx.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

const dataDir = makeTempDir('up');
afterAll(() => dataDir.remove());

async function countItems(endpoint: string): Promise<number> {
  const clients = createAwsClients({ endpoint });
  try {
    const { Count } = await clients.dynamodb.send(
      new ScanCommand({ TableName: 'OrdersRawTable', Select: 'COUNT' }),
    );
    return Count ?? 0;
  } finally {
    clients.destroy();
  }
}

describe('gadget-cdc up', () => {
  it('captures every change into the lake; on Ctrl-C drains the writes, the pipe and the delivery, prints the summary, stops every server', async () => {
    const cli = spawnTsx(CLI, ['up', '--data-dir', dataDir.path, '--rate', '200']);
    const output = collectOutput(cli);
    expect(
      await waitFor(() => output.text().stdout.includes('Ctrl-C drains and stops'), 60_000),
      output.text().stderr,
    ).toBe(true);
    const record = JSON.parse(readFileSync(join(dataDir.path, 'local-stack.json'), 'utf8')) as StackRecord;
    expect(await waitFor(async () => (await countItems(record.dynamodbEndpoint)) >= 100, 30_000)).toBe(true);

    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    cli.kill('SIGINT');
    expect(await exited).toBe(0);
    const { stdout, stderr } = output.text();
    expect(stderr).toContain('Draining');
    // The live line counts every stage and what each still owes the next.
    expect(stderr).toMatch(
      /\d+ changes · \d+\/s(?: \(asked [^)]*\))? · \+\d+ ~\d+ -\d+ · captured \d+ \(\d+ behind\) · delivered \d+ \(\d+ behind, freshness [\d.]+ s\) · failed 0 · \d+ files/,
    );
    const summary =
      /Generator stopped \(interrupted\): (\d+) changes.*\n {2}inserts (\d+), updates (\d+), deletes (\d+)/.exec(
        stdout,
      );
    expect(summary, stdout).not.toBeNull();
    const [total = 0, inserts = 0, updates = 0, deletes = 0] = (summary ?? []).slice(1).map(Number);
    expect(inserts + updates + deletes).toBe(total);
    expect(stdout).toContain('retries 0 (throttled 0), failed 0');
    // The pipe caught up before the stop: every change of the run is on Kinesis, none twice.
    const pipe = /Pipe stopped: (\d+) changes put on Kinesis \((\d+) read, 0 replayed/.exec(stdout);
    expect(pipe, stdout).not.toBeNull();
    expect(Number(pipe?.[1])).toBe(total);
    // …and the delivery landed each as one orders_cdc row in the lake folder.
    expect(stdout).toMatch(
      new RegExp(
        `Delivery stopped: ${total} rows in \\d+ objects under .*lake \\(${total} records in, 0 dropped, 0 to the error prefix`,
      ),
    );
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const [lake] = (
      await connection.runAndReadAll(
        `SELECT count(DISTINCT event_id) AS ids FROM read_parquet('${join(dataDir.path, 'lake')}/orders_cdc/*/*.parquet')`,
      )
    ).getRowObjects();
    connection.closeSync();
    db.closeSync();
    expect(lake?.ids).toBe(BigInt(total));
    // up checks the central invariant itself before it stops.
    expect(stdout).toMatch(
      /Check: current_orders vs a full scan of the table — nothing lost: (\d+) orders in the table, \1 in current_orders; lost 0, unexpected 0, different 0/,
    );
    expect(stdout).toContain('Local stack stopped.');
    // `status` shows the run's own numbers afterwards: its last live line and how it ended.
    const status = await runCli(['status', '--data-dir', dataDir.path]);
    expect(status.stdout).toMatch(
      new RegExp(
        `up: stopped cleanly .*\\n {4}${total} changes .* · captured ${total} \\(0 behind\\) · delivered ${total} \\(0 behind`,
      ),
    );
    expect(status.stdout).toMatch(/ {4}Check: current_orders vs a full scan of the table — nothing lost/);
    expect(
      await waitUntilGone(record.serverPids, [record.dynamodbEndpoint, record.kinesisEndpoint], 5_000),
    ).toEqual({
      alivePids: [],
      busyPorts: [],
    });

    // Every insert made a new order and every delete removed one: nothing confirmed was lost in the drain.
    const stack = await startLocalStack({ dataDir: dataDir.path });
    try {
      expect(await countItems(stack.dynamodbEndpoint)).toBe(inserts - deletes);
      // An order written behind the pipeline's back (no pipe runs now), for `check` to find below.
      const clients = createAwsClients({ endpoint: stack.dynamodbEndpoint });
      await clients.dynamodb.send(
        new PutItemCommand({ TableName: 'OrdersRawTable', Item: { orderid: { S: 'BEHIND-THE-BACK' } } }),
      );
      clients.destroy();
    } finally {
      await stack.stop();
    }

    // `check` on the stopped data dir (starting its stack for the while) proves what `up` proved, but for that
    // order: lost, shown as the table holds it, exit 1.
    const check = await runCli(['check', '--data-dir', dataDir.path]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(
      /MISMATCH: (\d+) orders in the table, (\d+) in current_orders; lost 1 \(BEHIND-THE-BACK\), unexpected 0, different 0/,
    );
    const [, inTable, inLake] = /(\d+) orders in the table, (\d+) in current_orders/.exec(check.stdout) ?? [];
    expect(Number(inTable)).toBe(inserts - deletes + 1);
    expect(Number(inLake)).toBe(inserts - deletes);
    expect(check.stdout).toContain(
      '  lost BEHIND-THE-BACK: table {"orderid":"BEHIND-THE-BACK"} · current_orders (no order)',
    );
  });

  it('loses nothing when killed outright mid-run: the next run resumes every stage and its check holds', async () => {
    const killedDir = makeTempDir('up-killed');
    try {
      const first = spawnTsx(CLI, ['up', '--data-dir', killedDir.path, '--rate', '300']);
      const output = collectOutput(first);
      const lakeHasRows = () => {
        try {
          return readdirSync(join(killedDir.path, 'lake', 'orders_cdc'), { recursive: true }).some((f) =>
            String(f).endsWith('.parquet'),
          );
        } catch {
          return false;
        }
      };
      expect(await waitFor(lakeHasRows, 90_000), output.text().stderr).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500)); // mid-stream: writes, pipe and delivery all busy
      const record = JSON.parse(
        readFileSync(join(killedDir.path, 'local-stack.json'), 'utf8'),
      ) as StackRecord;
      const exited = new Promise((resolve) => first.once('exit', resolve));
      first.kill('SIGKILL');
      await exited;
      expect(
        await waitUntilGone(record.serverPids, [record.dynamodbEndpoint, record.kinesisEndpoint]),
      ).toEqual({
        alivePids: [],
        busyPorts: [],
      });

      // Killed outright, the run could not say it stopped: status tells.
      expect((await runCli(['status', '--data-dir', killedDir.path])).stdout).toMatch(
        /up: ended without a clean stop \(pid \d+ is gone/,
      );
      const second = await runCli([
        'up',
        '--data-dir',
        killedDir.path,
        '--orders',
        '100',
        '--exit-when-drained',
        '--rate',
        'max',
        '--compact-every',
        '1',
      ]);
      expect(second.code, second.stderr).toBe(0);
      // The lake was compacted while the delivery wrote to it and once more at the end (the check, over the
      // maintained current state, still holds): every object folded into the snapshot, one per partition left.
      expect(second.stdout).toMatch(
        /Compaction: [1-9]\d* objects folded into the current state in [1-9]\d* snapshots; \d+ small objects merged into \d+; \d+ rounds\./,
      );
      const manifest = JSON.parse(
        readFileSync(join(killedDir.path, 'lake', 'current_state', 'manifest.json'), 'utf8'),
      );
      expect(existsSync(join(killedDir.path, 'lake', manifest.snapshot))).toBe(true);
      const lakeTable = join(killedDir.path, 'lake', 'orders_cdc');
      const objects = readdirSync(lakeTable, { recursive: true }).filter((f) =>
        String(f).endsWith('.parquet'),
      );
      expect(objects).toHaveLength(readdirSync(lakeTable).length);
      // Every change of this run was timed from its write to its row in the lake.
      expect(second.stdout).toMatch(
        /freshness \(DynamoDB write confirmed → visible in current_orders\) over 100 changes: p50 [\d.]+ s, p99 [\d.]+ s/,
      );
      expect(second.stdout).toMatch(
        /Check: current_orders vs a full scan of the table — nothing lost: (\d+) orders in the table, \1 in current_orders; lost 0, unexpected 0, different 0/,
      );
    } finally {
      killedDir.remove();
    }
  });
});
