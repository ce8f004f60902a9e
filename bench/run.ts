/**
 * `npm run bench <name>`: runs one benchmark and prints its figures. Benchmarks measure; they never assert
 * timings (tests do not depend on machine speed).
 */
import { currentStateBenchmark } from './current-state-bench.ts';
import { dashboardBenchmark } from './dashboard-bench.ts';
import { deliveryBenchmark } from './delivery-bench.ts';
import { e2eBenchmark } from './e2e-bench.ts';
import { generateBenchmark } from './generate-bench.ts';
import { pipeBenchmark } from './pipe-bench.ts';
import { transformBenchmark } from './transform-bench.ts';

const BENCHMARKS: Record<string, { summary: string; run: (args: string[]) => Promise<void> }> = {
  'current-state': {
    summary:
      'revenue_by_product from the maintained current state vs the whole history (Parquet, JSON lines)',
    run: currentStateBenchmark,
  },
  dashboard: {
    summary: 'the dashboard page (Chromium) while the lake grows at 1,000 changes/s: compute, render, lag',
    run: dashboardBenchmark,
  },
  e2e: {
    summary:
      'the whole pipeline: freshness at 500/s, sustained changes/s, revenue_by_product Parquet vs JSON',
    run: e2eBenchmark,
  },
  generate: { summary: 'changes/s written to DynamoDB Local, sequential vs batched', run: generateBenchmark },
  delivery: {
    summary: 'records/s from a Kinesis backlog through the transform into lake objects',
    run: deliveryBenchmark,
  },
  pipe: {
    summary: 'pipe drain records/s from a backlog, and write → Kinesis latency at 500/s',
    run: pipeBenchmark,
  },
  transform: { summary: 'records/s through the Firehose transform handler', run: transformBenchmark },
};

const [name, ...args] = process.argv.slice(2);
const bench = name ? BENCHMARKS[name] : undefined;
if (!bench) {
  console.error(`Usage: npm run bench <name>${name ? ` (unknown benchmark ${JSON.stringify(name)})` : ''}\n`);
  for (const [key, { summary }] of Object.entries(BENCHMARKS))
    console.error(`  ${key.padEnd(10)} ${summary}`);
  process.exit(2);
}
await bench.run(args);
