import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { CorruptCheckpointError } from '../checkpoint/shard-checkpoints.ts';
import { preflightDataDir, resolveExistingDataDir } from './data-dir-preflight.ts';
import { DataDirUnusableError, NoPipelineDataError } from './local-stack-errors.ts';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});
function tempDir(): string {
  const dir = makeTempDir('preflight');
  dirs.push(dir);
  return dir.path;
}

describe('preflightDataDir', () => {
  it('creates a missing data dir, nested, and leaves nothing else in it', async () => {
    const root = join(tempDir(), 'a', 'b');
    expect(await preflightDataDir(root, { startsStack: true })).toBe(root);
    expect(readdirSync(root)).toEqual([]);
  });

  it('refuses a file, a path under a file, and a folder that cannot be created, naming the folder', async () => {
    const base = tempDir();
    const file = join(base, 'file');
    writeFileSync(file, '');
    await expect(preflightDataDir(file)).rejects.toThrow(`Cannot use the folder ${file}: it is a file.`);
    await expect(preflightDataDir(join(file, 'x', 'y'))).rejects.toThrow(
      `Cannot use the folder ${join(file, 'x', 'y')}: it lies under the file ${file}.`,
    );
    await expect(preflightDataDir(base, { folders: [join(file, 'lake')] })).rejects.toThrow(
      DataDirUnusableError,
    );
    mkdirSync(join(base, 'data'));
    writeFileSync(join(base, 'data', 'lake'), '');
    await expect(preflightDataDir(join(base, 'data'))).rejects.toThrow(
      `Cannot use the folder ${join(base, 'data', 'lake')}: it is a file, where the data dir keeps a folder.`,
    );
  });

  it.skipIf(!existsSync('/proc/self'))(
    'fails at once on /proc/x, where a recursive mkdir never returns',
    async () => {
      await expect(preflightDataDir('/proc/x')).rejects.toThrow(
        'Cannot use the folder /proc/x: it cannot be created (ENOENT).',
      );
    },
  );

  it('reads every shard checkpoint of each stage, and names a damaged one', async () => {
    const root = tempDir();
    const shards = join(root, 'checkpoints', 'delivery', 'orders-cdc', 'shards');
    mkdirSync(shards, { recursive: true });
    const good = { shardId: 'shardId-1', sequenceNumber: '42', updatedAt: '2026-01-01T00:00:00Z' };
    writeFileSync(join(shards, 'shardId-1.json'), JSON.stringify(good));
    await preflightDataDir(root);
    writeFileSync(join(shards, 'shardId-2.json'), '{"shardId": "shardId-2", "sequenceNumber": 12}');
    await expect(preflightDataDir(root)).rejects.toThrow(CorruptCheckpointError);
    await expect(preflightDataDir(root)).rejects.toThrow(
      `Checkpoint ${join(shards, 'shardId-2.json')} cannot be read`,
    );
    // Only the stages the command runs are read.
    await preflightDataDir(root, { checkpointDirs: [join(root, 'checkpoints', 'pipe')] });
  });
});

describe('resolveExistingDataDir', () => {
  it('returns the absolute folder when it holds a pipeline', () => {
    const root = tempDir();
    mkdirSync(join(root, 'lake'));
    expect(resolveExistingDataDir(root)).toBe(root);
  });

  it('says which folder it looked at and why it holds no pipeline', () => {
    const root = tempDir();
    const file = join(root, 'file');
    writeFileSync(file, '');
    const cases: Array<[string, string]> = [
      [root, `${root} holds no pipeline (none of lake/, checkpoints/`],
      [join(root, 'missing'), `${join(root, 'missing')} does not exist, so it holds no pipeline.`],
      [file, `${file} is a file, not a data dir.`],
      [join(file, 'below'), `${join(file, 'below')} cannot be a data dir: it lies under the file ${file}.`],
    ];
    for (const [dir, message] of cases) {
      expect(() => resolveExistingDataDir(dir)).toThrow(NoPipelineDataError);
      expect(() => resolveExistingDataDir(dir)).toThrow(message);
      expect(() => resolveExistingDataDir(dir)).toThrow('run `gadget-cdc up` (npm start) first');
    }
  });
});
