import type { DeliveryConfigInput } from '../delivery/delivery-config.ts';
import type { WrittenObject } from '../delivery/delivery-metrics.ts';
import { DeliveryWorker } from '../delivery/delivery-worker.ts';
import { quietTransform } from '../delivery/quiet-transform.ts';
import { LocalDiskStore } from '../lake/local-disk-store.ts';
import type { ObjectStore } from '../lake/object-store.ts';
import { checkpointFolder, lakeFolder } from '../local/data-dir.ts';
import { handler } from '../transform/handler.ts';

type Clients = { kinesis: ConstructorParameters<typeof DeliveryWorker>[0]['kinesis'] };
type Settings = Partial<DeliveryConfigInput> & {
  onObjectWritten?: (object: WrittenObject) => void;
  /** The transform's WARN log lines (values a column cannot hold), which CloudWatch Logs would keep on AWS. */
  onTransformWarning: (line: string) => void;
};

/** The delivery as the local twin runs it, into the lake folder (`<data-dir>/lake` unless `lakeDir`). */
export function localDelivery(
  clients: Clients,
  dataDir: string,
  streamName: string,
  settings: Settings & { lakeDir?: string },
): DeliveryWorker & { lake: LocalDiskStore } {
  const { lakeDir, ...rest } = settings;
  return deliveryInto(new LocalDiskStore(lakeDir ?? lakeFolder(dataDir)), clients, dataDir, streamName, rest);
}

/**
 * The delivery into any lake (the folder, or a bucket through S3Store): the real transform, checkpoints in the
 * data dir.
 */
export function deliveryInto<Lake extends ObjectStore>(
  lake: Lake,
  clients: Clients,
  dataDir: string,
  streamName: string,
  settings: Settings,
): DeliveryWorker & { lake: Lake } {
  const { onObjectWritten, onTransformWarning, ...config } = settings;
  const transform = quietTransform(handler, (text) => {
    if (text.includes('"level":"WARN"')) onTransformWarning(text);
  });
  const worker = new DeliveryWorker(
    clients,
    lake,
    transform,
    { kinesisStreamName: streamName, checkpointDir: deliveryCheckpointDir(dataDir), ...config },
    onObjectWritten,
  );
  return Object.assign(worker, { lake });
}

/** Where the local delivery keeps its checkpoints: `<this>/<delivery stream>/shards/<shardId>.json`. */
export function deliveryCheckpointDir(dataDir: string): string {
  return checkpointFolder(dataDir, 'delivery');
}
