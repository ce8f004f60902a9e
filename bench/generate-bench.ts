import { ensureOrdersTable } from '../src/aws/orders-table.ts';
import { generateOrders } from '../src/generator/generate-orders.ts';
import type { GeneratorConfig } from '../src/generator/generator-config.ts';
import { startLocalStack } from '../src/local/local-stack.ts';
import { makeTempDir } from '../test/helpers/temp-dir.ts';

const TABLE = 'OrdersRawTable';

/**
 * Writes N changes (default 5,000) against DynamoDB Local persisted on disk with its stream on (as `up` runs
 * it), once per write mode, and prints changes/s. Each case gets a fresh stack and data dir: DynamoDB Local
 * slows down as more stream-enabled tables share its database, which would skew later cases.
 */
export async function generateBenchmark(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 5_000);
  const cases: Array<{ label: string; config: Partial<GeneratorConfig> }> = [
    {
      label: 'single: PutItem/DeleteItem, sequential',
      config: { writeMode: 'single', ratePerSecond: 'max' },
    },
    {
      label: 'batch: BatchWriteItem×25, 1 in flight',
      config: { writeMode: 'batch', concurrency: 1, ratePerSecond: 'max' },
    },
    {
      label: 'batch: BatchWriteItem×25, 4 in flight',
      config: { writeMode: 'batch', concurrency: 4, ratePerSecond: 'max' },
    },
    {
      label: 'batch: BatchWriteItem×25, 8 in flight',
      config: { writeMode: 'batch', concurrency: 8, ratePerSecond: 'max' },
    },
    { label: 'paced: --rate 200 (auto picks batch)', config: { ratePerSecond: 200 } },
  ];
  console.log(
    `generate benchmark: ${count} changes per case, DynamoDB Local on disk, stream NEW_AND_OLD_IMAGES`,
  );
  for (const { label, config } of cases) {
    const dataDir = makeTempDir('bench-generate');
    const stack = await startLocalStack({ dataDir: dataDir.path });
    try {
      await ensureOrdersTable(stack.clients.dynamodb, TABLE);
      // Warm the JVM and the connections first.
      await generateOrders(
        { ...config, tableName: TABLE, count: 200, seed: 'warm-up' },
        { dynamodb: stack.clients.dynamodb },
      );
      const run = await generateOrders(
        { ...config, tableName: TABLE, count, seed: 'bench' },
        { dynamodb: stack.clients.dynamodb },
      );
      if (run.error) throw run.error;
      const rate = run.achievedRate.toFixed(0).padStart(6);
      console.log(
        `  ${label.padEnd(40)} ${rate} changes/s  (${(run.elapsedMs / 1000).toFixed(1)} s, ${run.stats.retries} retries)`,
      );
    } finally {
      await stack.stop();
      dataDir.remove();
    }
  }
}
