import type { DeliveryConfigInput } from '../delivery/delivery-config.ts';
import { DeliveryWorker, type WrittenObject } from '../delivery/delivery-worker.ts';
import { quietTransform } from '../delivery/quiet-transform.ts';
import { LocalDiskStore } from '../lake/local-disk-store.ts';
import { checkpointFolder, lakeFolder } from '../local/data-dir.ts';
import { handler } from '../transform/handler.ts';

/** The delivery as the local twin runs it: the real transform, the lake folder, checkpoints in the data dir. */
export function localDelivery(
  clients: { kinesis: ConstructorParameters<typeof DeliveryWorker>[0]['kinesis'] },
  dataDir: string,
  streamName: string,
  config: Partial<DeliveryConfigInput> & {
    lakeDir?: string;
    onObjectWritten?: (object: WrittenObject) => void;
  } = {},
): DeliveryWorker & { lake: LocalDiskStore } {
  const { lakeDir, onObjectWritten, ...rest } = config;
  const lake = new LocalDiskStore(lakeDir ?? lakeFolder(dataDir));
  const transform = quietTransform(handler, (text) => {
    if (text.includes('"level":"WARN"')) process.stderr.write(`\n[transform] ${text}\n`);
  });
  const worker = new DeliveryWorker(
    clients,
    lake,
    transform,
    { kinesisStreamName: streamName, checkpointDir: deliveryCheckpointDir(dataDir), ...rest },
    onObjectWritten,
  );
  return Object.assign(worker, { lake });
}

/** Where the local delivery keeps its checkpoints: `<this>/<delivery stream>/shards/<shardId>.json`. */
export function deliveryCheckpointDir(dataDir: string): string {
  return checkpointFolder(dataDir, 'delivery');
}
