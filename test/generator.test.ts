import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../src/aws/aws-clients.ts';
import { canonicalItem } from '../src/aws/canonical-item.ts';
import { ensureOrdersTable } from '../src/aws/orders-table.ts';
import { TableNotFoundError } from '../src/aws/resource-errors.ts';
import { ChangePlanner } from '../src/generator/change-planner.ts';
import { generateOrders } from '../src/generator/generate-orders.ts';
import { changeKey, type Order, type OrderChange, orderToItem } from '../src/generator/order.ts';
import { type LocalStack, startLocalStack } from '../src/local/local-stack.ts';
import { readStream } from './helpers/dynamodb-stream.ts';
import { injectWriteFaults } from './helpers/fault-injection.ts';
import { scanOrders } from './helpers/scan-table.ts';
import { runCli } from './helpers/spawn-tsx.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

const dataDir = makeTempDir('generator');
let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ dataDir: dataDir.path });
});
afterAll(async () => {
  await stack?.stop();
  dataDir.remove();
});

const clock = () => Date.UTC(2026, 10, 22, 9, 30, 0, 250);
const mix = { insert: 40, update: 45, delete: 15 };

/** What the stream must show for one planned change. */
function expectedRecord(change: OrderChange) {
  const image = (order: Order) => canonicalItem(orderToItem(order));
  if (change.kind === 'insert') return { eventName: 'INSERT', NewImage: image(change.order) };
  if (change.kind === 'update')
    return { eventName: 'MODIFY', OldImage: image(change.previous), NewImage: image(change.order) };
  return { eventName: 'REMOVE', OldImage: image(change.previous) };
}

describe.each(['single', 'batch'] as const)('generate (%s writes) against DynamoDB Local', (writeMode) => {
  const count = 600;
  const seed = `seed-${writeMode}`;
  const tableName = `Orders_${writeMode}`;

  it('writes exactly the planned changes: the stream shows them in order per order, the table ends as expected', async () => {
    const { streamArn } = await ensureOrdersTable(stack.clients.dynamodb, tableName);
    const run = await generateOrders(
      { tableName, count, seed, mix, writeMode, ratePerSecond: 'max', concurrency: 4 },
      { dynamodb: stack.clients.dynamodb, clock },
    );
    expect(run.error).toBeUndefined();
    expect(run.writeMode).toBe(writeMode);
    expect(run.stats.failed).toBe(0);

    const planner = new ChangePlanner({ seed, mix, clock });
    const planned = Array.from({ length: count }, () => planner.next());
    const kinds = { insert: 0, update: 0, delete: 0 };
    for (const change of planned) kinds[change.kind]++;
    expect(run.stats.written).toEqual(kinds);
    expect(kinds.update).toBeGreaterThan(100);
    expect(kinds.delete).toBeGreaterThan(30);

    const records = await readStream(stack.clients.streams, streamArn, count);
    expect(records).toHaveLength(count);
    const seen = new Map<string, unknown[]>();
    for (const record of records) {
      const key = record.dynamodb?.Keys?.orderid?.S ?? '';
      const { eventName } = record;
      const { NewImage, OldImage } = record.dynamodb ?? {};
      const images = {
        ...(NewImage && { NewImage: canonicalItem(NewImage as Record<string, never>) }),
        ...(OldImage && { OldImage: canonicalItem(OldImage as Record<string, never>) }),
      };
      seen.set(key, [...(seen.get(key) ?? []), { eventName, ...images }]);
    }
    const wanted = new Map<string, unknown[]>();
    for (const change of planned)
      wanted.set(changeKey(change), [...(wanted.get(changeKey(change)) ?? []), expectedRecord(change)]);
    expect(seen).toEqual(wanted);

    const table = await scanOrders(stack.clients.dynamodb, tableName);
    expect(table).toEqual(run.expectedItems());
    expect(new Map([...planner.state].map(([id, order]) => [id, canonicalItem(orderToItem(order))]))).toEqual(
      run.expectedItems(),
    );
  });
});

describe('generate under throttling and partial batch failures', () => {
  it.each([
    'single',
    'batch',
  ] as const)('%s writes lose nothing and keep per-order order', async (writeMode) => {
    const tableName = `Orders_faulty_${writeMode}`;
    const { streamArn } = await ensureOrdersTable(stack.clients.dynamodb, tableName);
    const clients = createAwsClients({ endpoint: stack.dynamodbEndpoint, maxAttempts: 1 });
    const faults = injectWriteFaults(clients.dynamodb, {
      unprocessedShare: 0.3,
      throttleShare: 0.1,
      seed: writeMode,
    });
    const count = 400;
    const seed = `faulty-${writeMode}`;
    try {
      const run = await generateOrders(
        { tableName, count, seed, mix, writeMode, ratePerSecond: 'max' },
        { dynamodb: clients.dynamodb, clock },
      );
      expect(run.error).toBeUndefined();
      expect(faults.throttledRequests).toBeGreaterThan(0);
      if (writeMode === 'batch') expect(faults.unprocessed).toBeGreaterThan(50);
      expect(run.stats.retries).toBeGreaterThanOrEqual(faults.unprocessed + faults.throttledRequests);
      expect(run.stats.failed).toBe(0);

      const planner = new ChangePlanner({ seed, mix, clock });
      const planned = Array.from({ length: count }, () => planner.next());
      const records = await readStream(stack.clients.streams, streamArn, count);
      expect(records).toHaveLength(count);
      const order = (keys: Array<string | undefined>) => {
        const byKey = new Map<string, number>();
        return keys.map(
          (key) => `${key}#${byKey.set(key ?? '', (byKey.get(key ?? '') ?? 0) + 1).get(key ?? '')}`,
        );
      };
      const seenEvents = order(records.map((r) => r.dynamodb?.Keys?.orderid?.S)).map(
        (id, i) => `${id}:${records[i]?.eventName}`,
      );
      const kinds = { insert: 'INSERT', update: 'MODIFY', delete: 'REMOVE' } as const;
      const plannedEvents = order(planned.map(changeKey)).map(
        (id, i) => `${id}:${kinds[planned[i]?.kind ?? 'insert']}`,
      );
      expect(seenEvents.sort()).toEqual(plannedEvents.sort());
      expect(await scanOrders(stack.clients.dynamodb, tableName)).toEqual(run.expectedItems());
    } finally {
      clients.destroy();
    }
  });
});

describe('generate: refusals and the CLI', () => {
  it('names an unknown table before writing anything', async () => {
    await expect(
      generateOrders({ tableName: 'NoSuchOrders', count: 5 }, { dynamodb: stack.clients.dynamodb }),
    ).rejects.toThrow(TableNotFoundError);
  });

  it('`gadget-cdc generate` finds the running stack through the data dir and prints a summary', async () => {
    await ensureOrdersTable(stack.clients.dynamodb, 'OrdersCli');
    const result = await runCli([
      'generate',
      ...[
        '--data-dir',
        dataDir.path,
        '--table',
        'OrdersCli',
        '--count',
        '120',
        '--rate',
        'max',
        '--seed',
        '9',
      ],
    ]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Generator finished: 120 changes in [\d.]+ s \([\d.]+\/s, batch writes\)/);
    expect(result.stdout).toMatch(/inserts \d+, updates \d+, deletes \d+/);
    expect(result.stdout).toContain('seed 9');
    expect((await scanOrders(stack.clients.dynamodb, 'OrdersCli')).size).toBeGreaterThan(30);
  });

  it('`gadget-cdc generate --table` names a missing table and exits non-zero', async () => {
    const result = await runCli([
      'generate',
      '--data-dir',
      dataDir.path,
      '--table',
      'Missing',
      '--count',
      '1',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Table "Missing" does not exist');
  });
});
