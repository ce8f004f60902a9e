import { describe, expect, it } from 'vitest';
import { writeRunStatus } from '../src/local/run-status.ts';
import { writeLakeOf } from './helpers/lake-of-events.ts';
import { waitFor } from './helpers/processes.ts';
import { CLI, collectOutput, spawnTsx } from './helpers/spawn-tsx.ts';
import { ORDER_IMAGE, streamRecord } from './helpers/stream-records.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

describe('gadget-cdc dashboard', () => {
  it('serves the page over a stopped data dir’s lake, and stops on Ctrl-C', async () => {
    const data = makeTempDir('dashboard-command');
    try {
      await writeLakeOf(`${data.path}/lake`, [
        streamRecord({ eventName: 'INSERT', newImage: ORDER_IMAGE, sequenceNumber: '1', eventID: 'e1' }),
      ]);
      // As a finished `up` run leaves it.
      writeRunStatus(data.path, {
        pid: process.pid,
        startedAt: '2026-12-01T10:00:00.000Z',
        updatedAt: '2026-12-01T10:05:00.000Z',
        state: 'stopped',
        line: '1 changes · captured 1 (0 behind) · delivered 1 (0 behind, freshness 0.0 s) · failed 0 · 1 files',
      });
      const cli = spawnTsx(CLI, ['dashboard', '--data-dir', data.path]);
      const output = collectOutput(cli);
      expect(
        await waitFor(() => /Dashboard: (\S+)/.test(output.text().stdout), 30_000),
        output.text().stderr,
      ).toBe(true);
      const url = /Dashboard: (\S+)/.exec(output.text().stdout)?.[1] ?? '';
      const snapshot = (await (await fetch(`${url}api/snapshot`)).json()) as {
        sales: { totals: { orders: number; revenue: number } };
        health: { source: string; run?: { state: string; line: string } };
      };
      expect(snapshot.health.source).toBe('data dir');
      expect(snapshot.health.run).toEqual({
        state: 'stopped cleanly (2026-12-01T10:05:00.000Z)',
        line: expect.stringMatching(/^1 changes · captured 1/),
      });
      expect(snapshot.sales.totals).toMatchObject({ orders: 1, revenue: 2 * 1299.9 });
      expect((await fetch(url)).headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      const exited = new Promise((resolve) => cli.once('exit', resolve));
      cli.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      data.remove();
    }
  });
});
