import { DuckDbLake } from '../../catalog/duckdb-lake.ts';
import { type OrderHistory, orderHistory } from '../../catalog/order-history.ts';
import { PipelineError } from '../../errors/pipeline-error.ts';
import { formatTable } from '../result-table.ts';

/** The lake holds no change of the order asked for. */
export class UnknownOrderError extends PipelineError {
  constructor(orderid: string, lakeDir: string) {
    super(
      'cli',
      'UNKNOWN_ORDER',
      `No change of order ${JSON.stringify(orderid)} is in the lake ${lakeDir}. Order ids look like ` +
        '"ORD-1A2B3C4D5E6F"; `gadget-cdc query "SELECT orderid FROM current_orders LIMIT 10"` lists some.',
    );
  }
}

/** `gadget-cdc history <orderid>` over a lake folder: the changes, then how the order stands. */
export async function historyAction(
  lakeDir: string,
  orderid: string,
  format: 'table' | 'json',
): Promise<void> {
  const lake = await DuckDbLake.open(lakeDir);
  let history: OrderHistory;
  try {
    history = await orderHistory(lake, orderid);
  } finally {
    lake.close();
  }
  if (history.changes.length === 0) throw new UnknownOrderError(orderid, lakeDir);
  if (format === 'json') {
    console.log(JSON.stringify(history));
    return;
  }
  const n = history.changes.length;
  console.log(`Order ${orderid}: ${n} ${n === 1 ? 'change' : 'changes'} in stream order`);
  console.log(formatTable(history.changes));
  console.log(standing(history));
}

function standing({ current, changes }: OrderHistory): string {
  if (!current) {
    const removed = changes.findLast((change) => change.kind === 'REMOVE');
    return `Now: deleted (REMOVE at ${String(removed?.changed_at ?? 'an unknown time')}).`;
  }
  return (
    `Now: ${current.status}, ${current.quantity} × ${current.product_name} at ${current.price} ` +
    `(customer ${current.customer_id}, last change at ${current.updated_at}).`
  );
}
