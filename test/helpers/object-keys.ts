import type { ObjectStore } from '../../src/lake/object-store.ts';

/** The keys of a store's objects under `prefix`, sorted. */
export async function keysOf(store: ObjectStore, prefix = ''): Promise<string[]> {
  return (await store.list(prefix)).map((object) => object.key);
}
