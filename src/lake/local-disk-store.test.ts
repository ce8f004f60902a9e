import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { LocalDiskStore, ObjectKeyConflictError } from './local-disk-store.ts';
import { describeObjectStoreContract } from './object-store.contract.ts';
import { ObjectNotFoundError } from './object-store.ts';

describeObjectStoreContract('LocalDiskStore', async () => {
  const dir = makeTempDir('local-disk-store');
  return { store: new LocalDiskStore(join(dir.path, 'lake')), cleanup: async () => dir.remove() };
});

describe('LocalDiskStore', () => {
  const dirs: Array<{ path: string; remove(): void }> = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.remove();
  });
  const newStore = () => {
    const dir = makeTempDir('local-disk-store');
    dirs.push(dir);
    return new LocalDiskStore(join(dir.path, 'lake'));
  };

  it('lays objects out like the bucket: key a/b/c is file <root>/a/b/c', async () => {
    const store = newStore();
    await store.put('orders_cdc/dt=2026-01-31/x.json', '{}');
    expect(readdirSync(join(store.root, 'orders_cdc', 'dt=2026-01-31'))).toEqual(['x.json']);
    expect(store.location).toBe(pathToFileURL(store.root).href);
  });

  it('never shows a put in flight: the target is missing or whole, and the bytes go to a temp file first', async () => {
    const store = newStore();
    const size = 20 * 1024 * 1024;
    const key = 'big/object.bin';
    await store.put('big/other.bin', 'x');
    let done = false;
    const put = store.put(key, new Uint8Array(size).fill(7)).finally(() => {
      done = true;
    });
    // Each look is checked on its own: the rename may land between two of them.
    const seen = { missing: 0, tempFiles: 0 };
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      const listed = (await store.list('big/')).find((object) => object.key === key);
      if (listed === undefined) seen.missing++;
      else expect(listed.size).toBe(size);
      if (await store.exists(key))
        expect((await stat(join(store.root, 'big', 'object.bin'))).size).toBe(size);
      const names = await readdir(join(store.root, 'big'));
      if (names.some((name) => name.startsWith('.object.bin.') && name.endsWith('.tmp'))) seen.tempFiles++;
    }
    await put;
    expect(seen.missing).toBeGreaterThan(0);
    expect(seen.tempFiles).toBeGreaterThan(0);
    expect(await store.list('big/')).toEqual([
      { key: 'big/object.bin', size },
      { key: 'big/other.bin', size: 1 },
    ]);
    expect(readdirSync(join(store.root, 'big')).sort()).toEqual(['object.bin', 'other.bin']);
  });

  it('ignores temp files a crash left behind, in list and get, and a later put of the key still works', async () => {
    const store = newStore();
    await store.put('orders_cdc/dt=2026-01-31/whole.json', '{"whole":true}');
    const folder = join(store.root, 'orders_cdc', 'dt=2026-01-31');
    writeFileSync(join(folder, '.half.json.a1b2c3d4e5f6.tmp'), '{"ha');
    mkdirSync(join(store.root, '.trash'));
    writeFileSync(join(store.root, '.trash', 'x.json'), 'x');
    expect(await store.list('')).toEqual([{ key: 'orders_cdc/dt=2026-01-31/whole.json', size: 14 }]);
    await expect(store.get('orders_cdc/dt=2026-01-31/half.json')).rejects.toThrow(ObjectNotFoundError);
    expect(await store.exists('orders_cdc/dt=2026-01-31/half.json')).toBe(false);
    await store.put('orders_cdc/dt=2026-01-31/half.json', '{"half":false}');
    expect(new TextDecoder().decode(await store.get('orders_cdc/dt=2026-01-31/half.json'))).toBe(
      '{"half":false}',
    );
  });

  it('removes folders a delete leaves empty, up to but not including the root', async () => {
    const store = newStore();
    await store.put('orders_cdc/dt=2026-01-31/deep/a.json', 'a');
    await store.put('orders_cdc/dt=2026-02-01/b.json', 'b');
    await store.delete(['orders_cdc/dt=2026-01-31/deep/a.json']);
    expect(readdirSync(join(store.root, 'orders_cdc'))).toEqual(['dt=2026-02-01']);
    await store.delete(['orders_cdc/dt=2026-02-01/b.json']);
    expect(readdirSync(store.root)).toEqual([]);
  });

  it('lists nothing, and finds nothing, before the root folder exists', async () => {
    const store = newStore();
    expect(await store.list('')).toEqual([]);
    expect(await store.exists('a.json')).toBe(false);
    await store.delete(['a.json']);
  });

  it('refuses a key that needs a file where a folder is, or the reverse, with ObjectKeyConflictError', async () => {
    const store = newStore();
    await store.put('a/b.json', '1');
    await expect(store.put('a', '2')).rejects.toThrow(ObjectKeyConflictError);
    await expect(store.put('a/b.json/c', '3')).rejects.toThrow(ObjectKeyConflictError);
    expect(await store.list('')).toEqual([{ key: 'a/b.json', size: 1 }]);
    expect(readdirSync(join(store.root, 'a'))).toEqual(['b.json']);
  });

  it('keeps puts and deletes in one folder from racing each other into lost writes', async () => {
    const store = newStore();
    for (let round = 0; round < 20; round++) {
      await store.put(`race/${round}/old.json`, 'old');
      await Promise.all([
        store.delete([`race/${round}/old.json`]),
        store.put(`race/${round}/new.json`, 'new'),
      ]);
      expect(await store.list(`race/${round}/`)).toEqual([{ key: `race/${round}/new.json`, size: 3 }]);
    }
  });
});
