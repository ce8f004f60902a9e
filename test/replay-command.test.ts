import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/spawn-tsx.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

const dataDir = makeTempDir('replay-command');
afterAll(() => dataDir.remove());

const NOTHING_LOST =
  /Check: current_orders vs a full scan of the table — nothing lost: (\d+) orders in the table, \1 in current_orders; lost 0, unexpected 0, different 0/;

describe('gadget-cdc replay and redrive on the real local stack', () => {
  it(
    'replay rebuilds a lake whose objects were lost, and its check holds; redrive with no errors says so',
    {
      timeout: 240_000,
    },
    async () => {
      const up = await runCli([
        'up',
        ...['--data-dir', dataDir.path, '--orders', '300', '--rate', 'max'],
        ...['--exit-when-drained', '--no-dashboard'],
      ]);
      expect(up.code, up.stderr).toBe(0);
      // Every object of the lake lost: the history and the current state `up`'s compaction kept.
      const lake = join(dataDir.path, 'lake');
      expect(readdirSync(lake).sort()).toEqual(['current_state', 'orders_cdc']);
      for (const folder of readdirSync(lake)) rmSync(join(lake, folder), { recursive: true });
      const lost = await runCli([
        'query',
        'SELECT count(*) AS n FROM current_orders',
        '--data-dir',
        dataDir.path,
      ]);
      expect(lost.stdout).toMatch(/\b0\b/);

      const replay = await runCli(['replay', '--from', 'TRIM_HORIZON', '--data-dir', dataDir.path]);
      expect(replay.code, replay.stderr).toBe(0);
      expect(replay.stdout).toMatch(/Replay from TRIM_HORIZON: 300 records read again, 300 rows written/);
      expect(replay.stdout).toMatch(NOTHING_LOST);
      expect(replay.stdout).toContain('Local stack stopped.');

      const redrive = await runCli(['redrive', '--data-dir', dataDir.path]);
      expect(redrive.code, redrive.stderr).toBe(0);
      expect(redrive.stdout).toMatch(/Nothing to redrive: no error objects under .*errors\/\./);
      expect(redrive.stdout).toMatch(NOTHING_LOST);

      const bad = await runCli(['replay', '--from', 'yesterday', '--data-dir', dataDir.path]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--from is TRIM_HORIZON or an ISO-8601 time');
    },
  );
});
