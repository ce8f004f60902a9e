import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export const ORDER_STATUSES = ['PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The next status along PLACED → PAID → SHIPPED → DELIVERED; undefined once delivered or cancelled. */
export const NEXT_STATUS: Readonly<Record<OrderStatus, OrderStatus | undefined>> = {
  PLACED: 'PAID',
  PAID: 'SHIPPED',
  SHIPPED: 'DELIVERED',
  DELIVERED: undefined,
  CANCELLED: undefined,
};

/** Statuses from which an order may still be cancelled. */
export const CANCELLABLE: ReadonlySet<OrderStatus> = new Set(['PLACED', 'PAID']);

/** One order as stored in the orders table. */
export interface Order {
  readonly orderid: string;
  readonly product_name: string;
  readonly quantity: number;
  /** Unit price as exact decimal text with two places ("1299.99"); stored as a DynamoDB number. */
  readonly price: string;
  readonly status: OrderStatus;
  readonly customer_id: string;
  /** ISO-8601 UTC with milliseconds: stream timestamps are too coarse (minutes in DynamoDB Local). */
  readonly created_at: string;
  readonly updated_at: string;
}

export type OrderChange =
  | { readonly kind: 'insert'; readonly order: Order }
  | {
      readonly kind: 'update';
      readonly order: Order;
      readonly previous: Order;
      readonly changed: 'status' | 'quantity';
    }
  | { readonly kind: 'delete'; readonly previous: Order };

export type ChangeKind = OrderChange['kind'];
export const CHANGE_KINDS: readonly ChangeKind[] = ['insert', 'update', 'delete'];

export function changeKey(change: OrderChange): string {
  return change.kind === 'delete' ? change.previous.orderid : change.order.orderid;
}

/** The item exactly as DynamoDB stores it: numbers as decimal text, so prices keep their cents. */
export function orderToItem(order: Order): Record<string, AttributeValue> {
  return {
    orderid: { S: order.orderid },
    product_name: { S: order.product_name },
    quantity: { N: String(order.quantity) },
    price: { N: order.price },
    status: { S: order.status },
    customer_id: { S: order.customer_id },
    created_at: { S: order.created_at },
    updated_at: { S: order.updated_at },
  };
}

export function orderKey(orderid: string): Record<string, AttributeValue> {
  return { orderid: { S: orderid } };
}
