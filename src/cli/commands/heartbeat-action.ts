import { formatHeartbeat, runHeartbeat } from '../../observe/heartbeat.ts';
import { type AwsLakeOptions, openAwsLake } from '../aws-lake.ts';
import { abortOnInterrupt } from '../interrupt.ts';

export interface HeartbeatCommandOptions extends AwsLakeOptions {
  target: 'aws';
  table?: string;
  markers: number;
  interval: number;
  poll: number;
  timeout: number;
}

/** `gadget-cdc heartbeat --target aws`: write → queryable times of marker items; exit 1 if one was not seen. */
export async function heartbeatAction(options: HeartbeatCommandOptions): Promise<void> {
  const interrupt = abortOnInterrupt(() =>
    process.stderr.write('\nStopping the heartbeat: removing its markers…\n'),
  );
  try {
    const lake = await openAwsLake(options, interrupt.signal, { value: options.table });
    try {
      console.error(
        `Heartbeat on table ${lake.tableName} → Athena (workgroup ${lake.names.workGroupName}, region ` +
          `${lake.region}): ${options.markers} markers ${options.interval} s apart, polled every ${options.poll} s.`,
      );
      const result = await runHeartbeat(lake.dynamodb, lake.tableName, lake.engine, {
        markers: options.markers,
        intervalMs: options.interval * 1000,
        pollIntervalMs: options.poll * 1000,
        timeoutMs: options.timeout * 1000,
        signal: interrupt.signal,
        onMarker: (marker) =>
          console.error(
            marker.visibleAfterMs !== undefined
              ? `  ${marker.orderid}: visible after ${(marker.visibleAfterMs / 1000).toFixed(1)} s`
              : marker.timedOut
                ? `  ${marker.orderid}: NOT SEEN within ${options.timeout} s`
                : `  ${marker.orderid}: written`,
          ),
      });
      console.log(formatHeartbeat(result));
      if (result.notSeen > 0) process.exitCode = 1;
    } finally {
      lake.close();
    }
  } finally {
    interrupt.dispose();
  }
}
