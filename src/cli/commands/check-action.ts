import { currentOrdersRelation } from '../../catalog/current-orders-sql.ts';
import { lakeFolder } from '../../local/data-dir.ts';
import {
  type CheckOptions,
  type CurrentOrdersCheck,
  checkCurrentOrders,
  formatCheck,
  formatExamples,
  holds,
} from '../../observe/current-orders-check.ts';
import { checkSession, withLocalStack } from '../../twin/local-session.ts';
import type { StackOptions } from '../../twin/stack-start.ts';
import { type AwsLakeOptions, openAwsLake } from '../aws-lake.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import { progressBar, StatusLine } from '../status-line.ts';
import { AWS_SETTLE_SECONDS } from './check-command.ts';

export interface CheckCommandOptions extends StackOptions, AwsLakeOptions {
  target: 'local' | 'aws';
  settle?: number;
  segments: number;
  maxReadUnits: number;
}

/** `gadget-cdc check`: the central invariant over the data dir's stack or the deployed one; exit 1 on a mismatch. */
export async function checkAction(options: CheckCommandOptions, tableGiven: boolean): Promise<void> {
  const interrupt = abortOnInterrupt();
  const line = new StatusLine();
  const settings: CheckOptions = {
    segments: options.segments,
    maxReadUnitsPerSecond: options.maxReadUnits,
    settleMs: (options.settle ?? (options.target === 'aws' ? AWS_SETTLE_SECONDS : 0)) * 1000,
    signal: interrupt.signal,
    onProgress: (p) =>
      line.update(
        `Scan: ${p.estimatedItems ? `${progressBar(p.items, p.estimatedItems)} ` : ''}${p.items} items · ` +
          `${Math.round(p.readUnits)} read units · ${p.segmentsDone}/${p.segments} segments done`,
      ),
    onStep: (text) => {
      line.done();
      console.error(text);
    },
  };
  try {
    const check =
      options.target === 'aws'
        ? await checkOnAws(options, tableGiven, settings, interrupt.signal)
        : await withLocalStack({ ...options, abortSignal: interrupt.signal }, console.error, (session) =>
            checkSession(session, lakeFolder(session.dataDir), settings),
          );
    line.done();
    console.log(formatCheck(check));
    for (const example of formatExamples(check)) console.log(example);
    console.log(
      `The scan read ${Math.round(check.readUnits)} read units` +
        (check.settleMs > 0
          ? `; differences counted only if they held ${check.settleMs / 1000} s after it.`
          : '.'),
    );
    if (!holds(check)) process.exitCode = 1;
  } finally {
    line.done();
    interrupt.dispose();
  }
}

async function checkOnAws(
  options: CheckCommandOptions,
  tableGiven: boolean,
  settings: CheckOptions,
  signal: AbortSignal,
): Promise<CurrentOrdersCheck> {
  const lake = await openAwsLake(options, signal, { value: tableGiven ? options.table : undefined });
  try {
    console.error(
      `Checking table ${lake.tableName} against current_orders in Athena (workgroup ${lake.names.workGroupName}, ` +
        `database ${lake.names.databaseName}, region ${lake.region}).`,
    );
    return await checkCurrentOrders(lake.engine, lake.dynamodb, lake.tableName, {
      ...settings,
      // Read without creating the view: a check changes nothing in the Glue database.
      currentOrders: currentOrdersRelation(lake.names.currentStateTableName),
    });
  } finally {
    lake.close();
  }
}
