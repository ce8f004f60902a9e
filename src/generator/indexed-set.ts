import type { SeededRandom } from './seeded-random.ts';

/** A set with O(1) add, delete and uniform random pick, in a deterministic order. */
export class IndexedSet {
  private readonly items: string[] = [];
  private readonly index = new Map<string, number>();

  get size(): number {
    return this.items.length;
  }

  add(item: string): void {
    if (this.index.has(item)) return;
    this.index.set(item, this.items.length);
    this.items.push(item);
  }

  delete(item: string): void {
    const at = this.index.get(item);
    if (at === undefined) return;
    const last = this.items.pop() as string;
    this.index.delete(item);
    if (last !== item) {
      this.items[at] = last;
      this.index.set(last, at);
    }
  }

  pick(random: SeededRandom): string | undefined {
    return this.items.length === 0 ? undefined : this.items[Math.floor(random.next() * this.items.length)];
  }
}
