import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { InvalidOptionError } from '../errors/pipeline-error.ts';
import { LocalFolderStore } from './local-folder-store.ts';

const dirs: Array<{ path: string; remove(): void }> = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});
const store = () => {
  const dir = makeTempDir('lake');
  dirs.push(dir);
  return new LocalFolderStore(dir.path);
};

describe('LocalFolderStore', () => {
  it('lays objects out like the bucket and lists them by prefix, sorted', async () => {
    const lake = store();
    await lake.put('orders_cdc/dt=2026-11-22/b.json', Buffer.from('{"b":1}\n'));
    await lake.put('orders_cdc/dt=2026-11-21/a.json', Buffer.from('{"a":1}\n'));
    await lake.put('errors/processing-failed/2026/11/22/08/e.json', Buffer.from('{}\n'));
    expect(await lake.list('orders_cdc/')).toEqual([
      'orders_cdc/dt=2026-11-21/a.json',
      'orders_cdc/dt=2026-11-22/b.json',
    ]);
    expect(readFileSync(join(lake.root, 'orders_cdc', 'dt=2026-11-22', 'b.json'), 'utf8')).toBe('{"b":1}\n');
    expect(await lake.list('nothing/')).toEqual([]);
  });

  it('never lists a write still in progress (its temp file)', async () => {
    const lake = store();
    await lake.put('x/whole.json', Buffer.from('1'));
    writeFileSync(join(lake.root, 'x', 'half.json.4242.tmp'), 'par');
    expect(await lake.list()).toEqual(['x/whole.json']);
  });

  it.each([
    '',
    '/abs.json',
    'a//b.json',
    'a/../../etc/passwd',
    './a.json',
  ])('refuses the key %j', async (key) => {
    await expect(store().put(key, Buffer.from('x'))).rejects.toThrow(InvalidOptionError);
  });
});
