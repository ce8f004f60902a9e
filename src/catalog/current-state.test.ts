import { describe, expect, it } from 'vitest';
import { DamagedManifestError, isEventObjectKey, parseManifest } from './current-state.ts';
import { snapshotKey } from './lake-layout.ts';

describe('the current-state manifest', () => {
  it('reads what compaction writes', () => {
    const snapshot = snapshotKey(
      Date.UTC(2026, 11, 2, 2, 55, 18, 123),
      '0f3c2a9e-1b2c-4d5e-8f90-123456789abc',
    );
    const manifest = {
      snapshot,
      absorbed: ['orders_cdc/dt=2026-12-02/a.parquet'],
      updatedAt: '2026-12-02T02:55:18Z',
    };
    expect(parseManifest(JSON.stringify(manifest), 'm.json')).toEqual(manifest);
  });

  it.each([
    ['not JSON', '{"snapshot":'],
    ['no absorbed list', '{"updatedAt":"x"}'],
    ['a snapshot outside the lake', '{"snapshot":"../../etc/x.parquet","absorbed":[],"updatedAt":"x"}'],
    [
      'a snapshot that is no snapshot',
      '{"snapshot":"orders_cdc/dt=2026-12-02/a.parquet","absorbed":[],"updatedAt":"x"}',
    ],
  ])('refuses %s in one error naming the file and the fix', (_, text) => {
    expect(() => parseManifest(text, '/lake/current_state/manifest.json')).toThrow(DamagedManifestError);
    expect(() => parseManifest(text, '/lake/current_state/manifest.json')).toThrow(
      /^The current state's manifest \/lake\/current_state\/manifest\.json cannot be read \(.+\)\. Delete it:/,
    );
  });
});

describe('isEventObjectKey', () => {
  it('takes the objects of a dt partition in the delivery’s formats, nothing else', () => {
    expect(isEventObjectKey('orders_cdc/dt=2026-12-02/orders-cdc-1-x.parquet')).toBe(true);
    expect(isEventObjectKey('orders_cdc/dt=2026-12-02/orders-cdc-1-x.json.gz')).toBe(true);
    expect(isEventObjectKey('orders_cdc/dt=2026-12-02/.orders-cdc-1-x.parquet.tmp')).toBe(false);
    expect(isEventObjectKey('orders_cdc/dt=2026-12-02/notes.txt')).toBe(false);
    expect(isEventObjectKey('orders_cdc/other/x.parquet')).toBe(false);
    expect(isEventObjectKey('current_state/snapshot-x.parquet')).toBe(false);
  });
});
