import { resolve } from 'node:path';
import type { DeliveryConfig } from '../../delivery/delivery-config.ts';
import type { S3Location } from '../../lake/s3-location.ts';
import { checkDeliveryCheckpoints } from '../../local/checkpoint-positions.ts';
import { lakeFolder } from '../../local/data-dir.ts';
import { preflightDataDir } from '../../local/data-dir-preflight.ts';
import { type OpenLake, openLake } from '../../twin/delivery-lake.ts';
import { deliveryCheckpointDir, deliveryInto } from '../../twin/local-delivery.ts';
import { connectToClients } from '../../twin/stack-connection.ts';
import { MIB_OF_BYTES, SECONDS_OF_MS } from '../option-parsers.ts';
import { runUntilInterrupt } from '../run-until-interrupt.ts';
import { formatDeliveryStatus, formatDeliverySummary, printTransformWarning } from '../stage-reports.ts';

export interface DeliverOptions {
  stream: string;
  dataDir: string;
  lakeDir?: string;
  lakeS3?: S3Location;
  s3Endpoint?: string;
  region?: string;
  startingPosition: Exclude<DeliveryConfig['startingPosition'], 'AT_TIMESTAMP'>;
  /** In MIB_OF_BYTES, as the option counts it. */
  bufferSize: number;
  /** In SECONDS_OF_MS, as the option counts it. */
  bufferInterval: number;
  format: DeliveryConfig['format'];
  compression: DeliveryConfig['compression'];
}

/** `gadget-cdc deliver`: runs the local delivery until Ctrl-C, with a live line and a summary. */
export async function deliverAction(options: DeliverOptions): Promise<void> {
  const clients = await connectToClients({ dataDir: options.dataDir, target: 'local' });
  let lake: OpenLake | undefined;
  try {
    const dataDir = await preflightDataDir(options.dataDir, {
      checkpointDirs: [deliveryCheckpointDir(resolve(options.dataDir))],
      folders: options.lakeDir ? [options.lakeDir] : [],
    });
    await checkDeliveryCheckpoints(clients.kinesis, deliveryCheckpointDir(dataDir), options.stream);
    lake = await openLake(
      options.lakeS3
        ? { kind: 's3', location: options.lakeS3, endpoint: options.s3Endpoint, region: options.region }
        : { kind: 'folder', dir: resolve(options.lakeDir ?? lakeFolder(dataDir)) },
    );
    const worker = deliveryInto(lake.store, clients, dataDir, options.stream, {
      onTransformWarning: printTransformWarning,
      startingPosition: options.startingPosition,
      destinationBuffer: {
        sizeBytes: options.bufferSize * MIB_OF_BYTES.size,
        intervalMs: options.bufferInterval * SECONDS_OF_MS.size,
      },
      format: options.format,
      compression: options.compression,
    });
    const where = lake.where;
    await runUntilInterrupt(worker, {
      starting: `Delivery: Kinesis ${options.stream} → lake ${where}. Ctrl-C stops.`,
      stopping: 'Stopping: writing what is buffered…',
      status: () => formatDeliveryStatus(worker.metrics),
      summary: () => formatDeliverySummary(worker.metrics, where),
    });
  } finally {
    lake?.close();
    clients.destroy();
  }
}
