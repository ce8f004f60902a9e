import { describe, expect, it } from 'vitest';
import { ScriptedDynamoDb } from '../../test/helpers/scripted-dynamodb.ts';
import { isMarker } from '../catalog/heartbeat-marker.ts';
import type { QueryEngine } from '../catalog/query-engine.ts';
import { formatHeartbeat, runHeartbeat } from './heartbeat.ts';

/**
 * A lake that shows each marker `delays[n]` ms after its write (undefined: never), on a fake clock; every
 * statement is recorded.
 */
function pipelineWithDelays(table: ScriptedDynamoDb, delays: readonly (number | undefined)[]) {
  const clock = { ms: 1_764_000_000_000 };
  const writes = new Map<string, number>();
  const statements: string[] = [];
  table.onPut = (item) => writes.set(item.orderid?.S ?? '', clock.ms);
  const engine: QueryEngine = {
    rows: async (sql) => {
      statements.push(sql);
      return [...writes]
        .filter(([orderid, at]) => {
          const delay = delays[Number(orderid.split('#').at(-1)) - 1];
          return delay !== undefined && clock.ms - at >= delay;
        })
        .map(([orderid]) => ({ orderid }));
    },
    close: () => {},
  };
  return {
    engine,
    statements,
    now: () => clock.ms,
    sleep: async (ms: number) => {
      clock.ms += ms;
    },
  };
}

describe('runHeartbeat', () => {
  it('times each marker from its write to the first query that shows it, then removes every marker', async () => {
    const table = new ScriptedDynamoDb();
    table.put({ orderid: { S: 'ORDER-1' } });
    const pipeline = pipelineWithDelays(table, [25_000, 61_000, 5_000]);
    const result = await runHeartbeat(table.client, 'orders', pipeline.engine, {
      markers: 3,
      intervalMs: 10_000,
      pollIntervalMs: 10_000,
      now: pipeline.now,
      sleep: pipeline.sleep,
    });
    // Marker n is written at 10(n-1) s; polls every 10 s from 10 s: seen at the first poll after its delay.
    expect(result.markers.map((m) => m.visibleAfterMs)).toEqual([30_000, 70_000, 10_000]);
    expect(result).toMatchObject({ p50Ms: 30_000, p99Ms: 70_000, maxMs: 70_000, notSeen: 0 });
    expect(result.markers.every((m) => isMarker(m.orderid))).toBe(true);
    // Only the order is left; every marker was deleted.
    expect([...table.items.keys()]).toEqual(['ORDER-1']);
    expect(table.count('DeleteItem')).toBe(3);
    // Each query reads the run's markers over the last two days' partitions only.
    expect(pipeline.statements[0]).toMatch(
      /^SELECT DISTINCT orderid FROM orders_cdc WHERE dt >= '2025-11-23' AND orderid LIKE 'heartbeat#[0-9a-f]{12}#%'$/,
    );
    expect(formatHeartbeat(result)).toMatch(
      /^Heartbeat: 3 of 3 markers visible in the lake; write → queryable p50 30.0 s, p99 70.0 s, max 70.0 s/,
    );
  });

  it('reports a marker the lake never shows as not seen after the timeout, and still removes it', async () => {
    const table = new ScriptedDynamoDb();
    const pipeline = pipelineWithDelays(table, [5_000, undefined]);
    const result = await runHeartbeat(table.client, 'orders', pipeline.engine, {
      markers: 2,
      intervalMs: 1_000,
      pollIntervalMs: 10_000,
      timeoutMs: 60_000,
      now: pipeline.now,
      sleep: pipeline.sleep,
    });
    expect(result.notSeen).toBe(1);
    expect(result.markers[1]?.timedOut).toBe(true);
    expect(table.items.size).toBe(0);
    expect(formatHeartbeat(result)).toMatch(/1 of 2 markers .*; 1 NOT SEEN within the timeout$/);
  });

  it('stops when aborted and removes the markers written so far', async () => {
    const table = new ScriptedDynamoDb();
    const pipeline = pipelineWithDelays(table, []);
    const abort = new AbortController();
    const result = await runHeartbeat(table.client, 'orders', pipeline.engine, {
      markers: 10,
      intervalMs: 1_000,
      now: pipeline.now,
      sleep: async (ms) => {
        await pipeline.sleep(ms);
        if (pipeline.now() >= 1_764_000_000_000 + 3_500) abort.abort();
      },
      signal: abort.signal,
    });
    expect(result.markers).toHaveLength(4);
    expect(table.items.size).toBe(0);
  });
});
