import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidObjectKeyError, ObjectNotFoundError, type ObjectStore } from './object-store.ts';

export interface ObjectStoreFixture {
  readonly store: ObjectStore;
  cleanup(): Promise<void>;
}

export interface ObjectStoreContractOptions {
  /**
   * How many objects the paging case writes: more than 1000 makes an S3 listing span pages and a delete span
   * DeleteObjects batches.
   * @default 1100
   */
  readonly manyKeys?: number;
  /**
   * Cases the backing emulator fails through no fault of the store, each with the emulator's bug as the
   * reason. They are skipped; the real service must pass them.
   * @default {} — every case runs
   */
  readonly emulatorBugs?: Partial<Record<'racingPuts', string>>;
}

const MB = 1024 * 1024;

/**
 * The behaviour every `ObjectStore` must show, as vitest cases. `makeStore` is called before each case and must
 * return an empty store; `cleanup` runs after it.
 */
export function describeObjectStoreContract(
  name: string,
  makeStore: () => Promise<ObjectStoreFixture>,
  options: ObjectStoreContractOptions = {},
): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let fixture: ObjectStoreFixture | undefined;
    let store: ObjectStore;
    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    it('returns exactly the bytes it was given, every byte value included', async () => {
      const body = patternBytes(4096, 1);
      body.set([0, 255, 13, 10], 0);
      await store.put('bin/all-bytes.bin', body);
      expectBytes(await store.get('bin/all-bytes.bin'), body);
    });

    it('stores text as UTF-8, non-ASCII included, under non-ASCII keys', async () => {
      const text = '{"product_name":"Café ☕ 日本 😀"}\n';
      await store.put('text/ünï-😀.json', text);
      expectBytes(await store.get('text/ünï-😀.json'), new TextEncoder().encode(text));
      expect(await store.list('text/')).toEqual([{ key: 'text/ünï-😀.json', size: Buffer.byteLength(text) }]);
    });

    it('round-trips an empty object and a 5 MB one', async () => {
      const big = patternBytes(5 * MB, 2);
      await store.put('sizes/empty', new Uint8Array());
      await store.put('sizes/five-mb.bin', big);
      expectBytes(await store.get('sizes/empty'), new Uint8Array());
      expectBytes(await store.get('sizes/five-mb.bin'), big);
      expect(await store.list('sizes/')).toEqual([
        { key: 'sizes/empty', size: 0 },
        { key: 'sizes/five-mb.bin', size: 5 * MB },
      ]);
    });

    it('replaces the whole object on overwrite, also with a shorter body', async () => {
      await store.put('over/write.json', 'a much longer first version of the object');
      await store.put('over/write.json', 'short');
      expect(text(await store.get('over/write.json'))).toBe('short');
      expect(await store.list('over/')).toEqual([{ key: 'over/write.json', size: 5 }]);
    });

    it('leaves one whole body when two puts of the same key race', async (context) => {
      const bug = options.emulatorBugs?.racingPuts;
      if (bug !== undefined) context.skip(bug);
      const a = new Uint8Array(MB).fill(97);
      const b = new Uint8Array(MB).fill(98);
      await Promise.all([store.put('race/key', a), store.put('race/key', b)]);
      const got = Buffer.from(await store.get('race/key'));
      expect(got.equals(a) || got.equals(b)).toBe(true);
      expect(await store.list('race/')).toEqual([{ key: 'race/key', size: MB }]);
    });

    it('says whether an object exists; a folder of objects is not one', async () => {
      expect(await store.exists('a/b.json')).toBe(false);
      await store.put('a/b.json', '{}');
      expect(await store.exists('a/b.json')).toBe(true);
      expect(await store.exists('a')).toBe(false);
      expect(await store.exists('a/b')).toBe(false);
      expect(await store.exists('a/b.json/c')).toBe(false);
    });

    it('lists every key under a prefix, nested at any depth, in UTF-8 byte order, with sizes', async () => {
      const bodies: Record<string, string> = {
        'orders_cdc/dt=2026-01-02/b.json': '{"b":2}\n',
        'orders_cdc/dt=2026-01-01/deep/er/c.json': 'ccc',
        'orders_cdc/dt=2026-01-01/a.json': '{"a":1}\n',
        'orders_cdc-other/x.json': 'x',
        'errors/processing-failed/2026/01/01/00/e.json': 'eeee',
        // U+FF01 sorts before U+1F600 in UTF-8 (EF… < F0…) but after it in UTF-16, JavaScript's string order.
        'sort/\u{1F600}': '1',
        'sort/\uFF01': '22',
      };
      for (const [key, body] of Object.entries(bodies)) await store.put(key, body);
      const listed = (keys: readonly string[]) =>
        keys.map((key) => ({ key, size: Buffer.byteLength(bodies[key] ?? '') }));

      expect(await store.list('orders_cdc/')).toEqual(
        listed([
          'orders_cdc/dt=2026-01-01/a.json',
          'orders_cdc/dt=2026-01-01/deep/er/c.json',
          'orders_cdc/dt=2026-01-02/b.json',
        ]),
      );
      // A plain string prefix, as in S3: a partial segment matches, and '-' (0x2D) sorts before '/' (0x2F).
      expect(await store.list('orders_cdc')).toEqual(
        listed([
          'orders_cdc-other/x.json',
          'orders_cdc/dt=2026-01-01/a.json',
          'orders_cdc/dt=2026-01-01/deep/er/c.json',
          'orders_cdc/dt=2026-01-02/b.json',
        ]),
      );
      expect(await store.list('orders_cdc/dt=2026-01-0')).toHaveLength(3);
      expect(await store.list('orders_cdc/dt=2026-01-01/deep/')).toEqual(
        listed(['orders_cdc/dt=2026-01-01/deep/er/c.json']),
      );
      expect(await store.list('sort/')).toEqual(listed(['sort/\uFF01', 'sort/\u{1F600}']));
      expect((await store.list('')).map(({ key }) => key)).toEqual([
        'errors/processing-failed/2026/01/01/00/e.json',
        'orders_cdc-other/x.json',
        'orders_cdc/dt=2026-01-01/a.json',
        'orders_cdc/dt=2026-01-01/deep/er/c.json',
        'orders_cdc/dt=2026-01-02/b.json',
        'sort/\uFF01',
        'sort/\u{1F600}',
      ]);
    });

    it('lists nothing for a prefix that matches nothing', async () => {
      expect(await store.list('')).toEqual([]);
      await store.put('orders_cdc/a.json', 'a');
      expect(await store.list('nothing/')).toEqual([]);
      expect(await store.list('orders_cdc/a.json/')).toEqual([]);
      expect(await store.list('orders_cdc/b')).toEqual([]);
    });

    const manyKeys = options.manyKeys ?? 1100;
    it(`lists and deletes ${manyKeys} keys (more than one S3 page / DeleteObjects batch)`, async () => {
      const keys = Array.from({ length: manyKeys }, (_, i) => `many/${String(i).padStart(5, '0')}.txt`);
      await inParallel(keys, 32, (key) => store.put(key, key));
      await store.put('other/kept.txt', 'kept');
      const listed = await store.list('many/');
      expect(listed.map(({ key }) => key)).toEqual(keys);
      expect(listed.every(({ key, size }) => size === key.length)).toBe(true);
      await store.delete(keys);
      expect(await store.list('many/')).toEqual([]);
      expect(await store.list('')).toEqual([{ key: 'other/kept.txt', size: 4 }]);
    });

    it('deletes the given keys, skipping missing ones, and keeps the rest', async () => {
      await store.put('d/one.json', '1');
      await store.put('d/two.json', '2');
      await store.put('d/sub/three.json', '3');
      await store.delete(['d/one.json', 'missing/key.json', 'd/sub/three.json', 'd/one.json']);
      await store.delete([]);
      expect(await store.list('')).toEqual([{ key: 'd/two.json', size: 1 }]);
      expect(await store.exists('d/one.json')).toBe(false);
      await expect(store.get('d/sub/three.json')).rejects.toThrow(ObjectNotFoundError);
      await store.put('d/sub/three.json', 'back');
      expect(text(await store.get('d/sub/three.json'))).toBe('back');
    });

    it('throws ObjectNotFoundError naming the key for a get of a missing key', async () => {
      await store.put('present/a.json', 'a');
      for (const key of ['absent.json', 'present/b.json', 'present']) {
        const error = await store.get(key).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ObjectNotFoundError);
        expect(error).toMatchObject({ stage: 'lake', code: 'OBJECT_NOT_FOUND', key });
        expect((error as Error).message).toContain(JSON.stringify(key));
      }
    });

    it.each([
      ['', 'empty'],
      ['/orders_cdc/a.json', "starts with '/'"],
      ['orders_cdc//a.json', 'empty segment'],
      ['orders_cdc/', 'empty segment'],
      ['../etc/passwd', "'..' segment"],
      ['orders_cdc/../../a.json', "'..' segment"],
      ['./a.json', "starts with '.'"],
      ['orders_cdc/.a.json.123.tmp', "starts with '.'"],
      ['nul\u0000byte', 'control character'],
      [`long/${'x'.repeat(201)}`, 'longer than 200'],
      [`${'a/'.repeat(512)}a`, 'longer than 1024'],
    ])('rejects the key %j (%s) in every method, naming the key and the rule', async (key, rule) => {
      const calls: Array<() => Promise<unknown>> = [
        () => store.put(key, 'x'),
        () => store.get(key),
        () => store.exists(key),
        () => store.delete(['fine/key.json', key]),
      ];
      for (const call of calls) {
        const error = await call().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(InvalidObjectKeyError);
        expect(error).toMatchObject({ stage: 'lake', code: 'INVALID_OBJECT_KEY', key });
        expect((error as Error).message).toContain(JSON.stringify(key));
        expect((error as Error).message).toContain(rule);
      }
      expect(await store.list('')).toEqual([]);
    });

    it.each(['/orders_cdc/', 'a//', '../', 'a/./b'])('rejects the list prefix %j', async (prefix) => {
      await expect(store.list(prefix)).rejects.toThrow(InvalidObjectKeyError);
    });
  });
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure reproduces. */
function patternBytes(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual).toBeInstanceOf(Uint8Array);
  expect(actual.byteLength).toBe(expected.byteLength);
  // Buffer.equals compares natively; toEqual on 5 MB arrays is slow and prints megabytes on failure.
  expect(Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(expected)).toBe(true);
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
