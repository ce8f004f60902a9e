import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { compareSequenceNumbers } from './sequence-numbers.ts';
import { CorruptCheckpointError, ShardCheckpointStore } from './shard-checkpoints.ts';

const dirs: Array<{ path: string; remove(): void }> = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});
const store = () => {
  const dir = makeTempDir('checkpoints');
  dirs.push(dir);
  return new ShardCheckpointStore(join(dir.path, 'shards'));
};

describe('ShardCheckpointStore', () => {
  it('keeps the last checkpoint of each shard, leaving no temp file behind', async () => {
    const checkpoints = store();
    await checkpoints.loadAll(); // creates the directory
    await checkpoints.save({
      shardId: 'shardId-1',
      sequenceNumber: '100',
      finished: false,
      inFlightThrough: '200',
    });
    await checkpoints.save({ shardId: 'shardId-1', sequenceNumber: '200', finished: false });
    await checkpoints.save({ shardId: 'shardId-2', finished: true });
    const loaded = await checkpoints.loadAll();
    expect(loaded.get('shardId-1')).toMatchObject({ sequenceNumber: '200', finished: false });
    expect(loaded.get('shardId-1')?.inFlightThrough).toBeUndefined();
    expect(loaded.get('shardId-2')).toMatchObject({ finished: true });
    expect(readdirSync(checkpoints.directory).sort()).toEqual(['shardId-1.json', 'shardId-2.json']);
  });

  it('refuses a damaged checkpoint with the file and the way out', async () => {
    const checkpoints = store();
    await checkpoints.loadAll();
    writeFileSync(join(checkpoints.directory, 'shardId-1.json'), '{"shardId": "shardId-1", "sequenceNum');
    await expect(checkpoints.loadAll()).rejects.toThrow(CorruptCheckpointError);
    await expect(checkpoints.loadAll()).rejects.toThrow(
      /shardId-1\.json cannot be read .* Move it aside \(mv .*shardId-1\.json.damaged'\) .* re-read from its start/,
    );
  });
});

describe('compareSequenceNumbers', () => {
  it('orders by length, then text: 40-digit numbers are not doubles', () => {
    expect(compareSequenceNumbers('9', '10')).toBeLessThan(0);
    expect(
      compareSequenceNumbers(
        '1000000000000000000000000000000000000002',
        '1000000000000000000000000000000000000001',
      ),
    ).toBeGreaterThan(0);
    expect(compareSequenceNumbers('123', '123')).toBe(0);
  });
});
