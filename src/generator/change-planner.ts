import { type ChangeMix, DEFAULT_MIX } from './change-mix.ts';
import { IndexedSet } from './indexed-set.ts';
import { CANCELLABLE, type ChangeKind, NEXT_STATUS, type Order, type OrderChange } from './order.ts';
import { centsToDecimal, PRODUCT_CATALOG } from './product-catalog.ts';
import { SeededRandom } from './seeded-random.ts';

export interface ChangePlannerOptions {
  readonly seed: string | number;
  readonly mix?: ChangeMix;
  /** Milliseconds since the epoch for `created_at`/`updated_at`; injectable so tests can fix it. */
  readonly clock?: () => number;
  /** How many distinct customers place orders. */
  readonly customerCount?: number;
}

/** Chance that a status update on a cancellable order cancels it instead of moving it on. */
const CANCEL_PROBABILITY = 0.2;
/** Chance that an update to a PLACED order changes its quantity rather than its status. */
const QUANTITY_CHANGE_PROBABILITY = 0.3;
const ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Plans a realistic stream of order changes from a seed: new orders, updates (status moves along
 * PLACED → PAID → SHIPPED → DELIVERED or to CANCELLED, quantity changes while PLACED) and deletes (cancelled
 * orders first, otherwise any order). Pure apart from the clock: the same seed and mix give the same changes.
 *
 * When a drawn kind is impossible (an update with no open order, a delete with no order) it plans an insert,
 * so every call returns a change. Every update really changes the item (DynamoDB streams skip no-op writes).
 */
export class ChangePlanner {
  private readonly random: SeededRandom;
  private readonly mix: ChangeMix;
  private readonly clock: () => number;
  private readonly customerCount: number;
  private readonly orders = new Map<string, Order>();
  /** Orders that can still move (not DELIVERED or CANCELLED). */
  private readonly open = new IndexedSet();
  private readonly cancelled = new IndexedSet();
  private readonly live = new IndexedSet();

  constructor(options: ChangePlannerOptions) {
    this.random = new SeededRandom(options.seed);
    this.mix = options.mix ?? DEFAULT_MIX;
    this.clock = options.clock ?? Date.now;
    this.customerCount = options.customerCount ?? 5_000;
  }

  /** The orders as they stand after every change planned so far. */
  get state(): ReadonlyMap<string, Order> {
    return this.orders;
  }

  next(): OrderChange {
    const kind = this.drawKind();
    const change =
      (kind === 'update' && this.planUpdate()) ||
      (kind === 'delete' && this.planDelete()) ||
      this.planInsert();
    this.apply(change);
    return change;
  }

  private drawKind(): ChangeKind {
    const point = this.random.next() * 100;
    if (point < this.mix.insert) return 'insert';
    return point < this.mix.insert + this.mix.update ? 'update' : 'delete';
  }

  private planInsert(): OrderChange {
    const product = this.random.pickWeighted(PRODUCT_CATALOG, (p) => p.weight);
    const now = this.timestamp();
    const order: Order = {
      orderid: this.newOrderId(),
      product_name: product.name,
      quantity: this.random.int(1, product.maxQuantity),
      price: centsToDecimal(this.random.int(product.minPriceCents, product.maxPriceCents)),
      status: 'PLACED',
      customer_id: `CUST-${String(this.random.int(1, this.customerCount)).padStart(5, '0')}`,
      created_at: now,
      updated_at: now,
    };
    return { kind: 'insert', order };
  }

  private planUpdate(): OrderChange | undefined {
    const id = this.open.pick(this.random);
    const previous = id === undefined ? undefined : this.orders.get(id);
    if (!previous) return undefined;
    const updated_at = this.timestamp();
    if (previous.status === 'PLACED' && this.random.chance(QUANTITY_CHANGE_PROBABILITY)) {
      const maxQuantity = PRODUCT_CATALOG.find((p) => p.name === previous.product_name)?.maxQuantity ?? 3;
      // Draw from the other quantities so the item really changes.
      let quantity = this.random.int(1, Math.max(2, maxQuantity) - 1);
      if (quantity >= previous.quantity) quantity += 1;
      return { kind: 'update', previous, order: { ...previous, quantity, updated_at }, changed: 'quantity' };
    }
    const cancel = CANCELLABLE.has(previous.status) && this.random.chance(CANCEL_PROBABILITY);
    const status = cancel ? 'CANCELLED' : NEXT_STATUS[previous.status];
    if (!status) return undefined;
    return { kind: 'update', previous, order: { ...previous, status, updated_at }, changed: 'status' };
  }

  private planDelete(): OrderChange | undefined {
    const id = this.cancelled.pick(this.random) ?? this.live.pick(this.random);
    const previous = id === undefined ? undefined : this.orders.get(id);
    return previous ? { kind: 'delete', previous } : undefined;
  }

  private apply(change: OrderChange): void {
    if (change.kind === 'delete') {
      const id = change.previous.orderid;
      this.orders.delete(id);
      this.open.delete(id);
      this.cancelled.delete(id);
      this.live.delete(id);
      return;
    }
    const { order } = change;
    this.orders.set(order.orderid, order);
    this.live.add(order.orderid);
    if (NEXT_STATUS[order.status]) this.open.add(order.orderid);
    else this.open.delete(order.orderid);
    if (order.status === 'CANCELLED') this.cancelled.add(order.orderid);
  }

  /** 12 Crockford base-32 characters (60 bits): unique in practice, unlike the tutorial's ids from 1..10000. */
  private newOrderId(): string {
    for (;;) {
      let id = 'ORD-';
      for (let i = 0; i < 12; i++) id += ID_ALPHABET[Math.floor(this.random.next() * 32)];
      if (!this.orders.has(id)) return id;
    }
  }

  private timestamp(): string {
    return new Date(this.clock()).toISOString();
  }
}
