import { describe, expect, it } from 'vitest';
import { ChangePlanner } from './change-planner.ts';
import { NEXT_STATUS, type Order, type OrderChange } from './order.ts';
import { PRODUCT_CATALOG } from './product-catalog.ts';

const fixedClock = () => Date.UTC(2026, 10, 22, 12, 0, 0, 123);

function plan(
  seed: string | number,
  count: number,
  mix = { insert: 55, update: 35, delete: 10 },
): OrderChange[] {
  const planner = new ChangePlanner({ seed, mix, clock: fixedClock });
  return Array.from({ length: count }, () => planner.next());
}

describe('ChangePlanner', () => {
  it('plans the same changes for the same seed, and others for another seed', () => {
    expect(plan(42, 500)).toEqual(plan(42, 500));
    expect(plan('42', 500)).toEqual(plan(42, 500));
    expect(plan(43, 500)).not.toEqual(plan(42, 500));
  });

  it('follows the mix when every kind is possible', () => {
    const changes = plan('mix', 20_000, { insert: 50, update: 40, delete: 10 });
    const share = (kind: string) => changes.filter((c) => c.kind === kind).length / changes.length;
    expect(share('update')).toBeGreaterThan(0.37);
    expect(share('delete')).toBeGreaterThan(0.08);
    expect(share('insert')).toBeLessThan(0.53);
  });

  it('only plans valid, real changes on orders that exist', () => {
    const orders = new Map<string, Order>();
    let cancelledDeletes = 0;
    for (const change of plan('rules', 5_000)) {
      if (change.kind === 'insert') {
        expect(orders.has(change.order.orderid)).toBe(false);
        expect(change.order.orderid).toMatch(/^ORD-[0-9A-Z]{12}$/);
        expect(change.order.status).toBe('PLACED');
        const product = PRODUCT_CATALOG.find((p) => p.name === change.order.product_name);
        expect(product).toBeDefined();
        const cents = Math.round(Number(change.order.price) * 100);
        expect(change.order.price).toMatch(/^\d+\.\d\d$/);
        expect(cents).toBeGreaterThanOrEqual(product?.minPriceCents ?? 0);
        expect(cents).toBeLessThanOrEqual(product?.maxPriceCents ?? 0);
        orders.set(change.order.orderid, change.order);
      } else if (change.kind === 'update') {
        expect(orders.get(change.order.orderid)).toEqual(change.previous);
        if (change.changed === 'status') {
          const allowed = [NEXT_STATUS[change.previous.status], 'CANCELLED'];
          expect(allowed).toContain(change.order.status);
          expect(change.order.status).not.toBe(change.previous.status);
        } else {
          expect(change.previous.status).toBe('PLACED');
          expect(change.order.quantity).not.toBe(change.previous.quantity);
        }
        orders.set(change.order.orderid, change.order);
      } else {
        expect(orders.get(change.previous.orderid)).toEqual(change.previous);
        if (change.previous.status === 'CANCELLED') cancelledDeletes++;
        orders.delete(change.previous.orderid);
      }
    }
    expect(cancelledDeletes).toBeGreaterThan(0);
  });

  it('falls back to inserts when nothing can be updated or deleted yet', () => {
    const [first] = plan('empty', 1, { insert: 1, update: 49, delete: 50 });
    expect(first?.kind).toBe('insert');
  });

  it('stamps created_at/updated_at with millisecond ISO time from its clock', () => {
    const [first] = plan('time', 1);
    expect(first?.kind === 'insert' && first.order.created_at).toBe('2026-11-22T12:00:00.123Z');
  });

  it('reports the planned state', () => {
    const planner = new ChangePlanner({ seed: 'state', clock: fixedClock });
    const orders = new Map<string, Order>();
    for (let i = 0; i < 1_000; i++) {
      const change = planner.next();
      if (change.kind === 'delete') orders.delete(change.previous.orderid);
      else orders.set(change.order.orderid, change.order);
    }
    expect(new Map(planner.state)).toEqual(orders);
  });
});
