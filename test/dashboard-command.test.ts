import { describe, expect, it } from 'vitest';
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
      const cli = spawnTsx(CLI, ['dashboard', '--data-dir', data.path]);
      const output = collectOutput(cli);
      expect(
        await waitFor(() => /Dashboard: (\S+)/.test(output.text().stdout), 30_000),
        output.text().stderr,
      ).toBe(true);
      const url = /Dashboard: (\S+)/.exec(output.text().stdout)?.[1] ?? '';
      const snapshot = (await (await fetch(`${url}api/snapshot`)).json()) as {
        sales: { totals: { orders: number; revenue: number } };
        health: { source: string };
      };
      expect(snapshot.health.source).toBe('data dir');
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
