import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_STREAM_NAME } from '../../aws/resource-names.ts';
import { errorTypePrefix, partitionPrefix } from '../../catalog/lake-layout.ts';
import { DeliveryConfigSchema } from '../../delivery/delivery-config.ts';
import type { DeliveryMetrics } from '../../delivery/delivery-worker.ts';
import { checkDeliveryCheckpoints } from '../../local/checkpoint-positions.ts';
import { preflightDataDir } from '../../local/data-dir-preflight.ts';
import { deliveryCheckpointDir, localDelivery } from '../../twin/local-delivery.ts';
import { connectToClients } from '../../twin/stack-connection.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import { parseChoice, parseFolder, parseStreamName, parseWholeUnits } from '../option-parsers.ts';
import { addDataDirOption } from '../shared-options.ts';
import { StatusLine } from '../status-line.ts';

const STARTING_POSITIONS = ['TRIM_HORIZON', 'LATEST'] as const;
const FORMATS = ['PARQUET', 'JSON'] as const;
const COMPRESSIONS = ['UNCOMPRESSED', 'GZIP'] as const;
const destinationBuffer = DeliveryConfigSchema.shape.destinationBuffer.unwrap();

interface DeliverOptions {
  stream: string;
  dataDir: string;
  lakeDir?: string;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  bufferSize: number;
  bufferInterval: number;
  format: 'PARQUET' | 'JSON';
  compression: 'UNCOMPRESSED' | 'GZIP';
}

export function deliverCommand(): Command {
  const command = new Command('deliver')
    .summary('run the local Firehose: Kinesis stream → transform → lake folder, until Ctrl-C')
    .description(
      'Reads every shard of the Kinesis stream, runs the transform Lambda over Firehose-sized batches, and writes each ' +
        `change as an orders_cdc row under <lake>/${partitionPrefix('YYYY-MM-DD')} (Parquet, or JSON lines), failures with their raw bytes ` +
        `under <lake>/${errorTypePrefix('processing-failed')}YYYY/MM/DD/HH/. Checkpoints each shard under <data-dir>/checkpoints/delivery ` +
        'once its rows are written: a restart, even after a crash, loses nothing.',
    )
    .option('--stream <name>', 'Kinesis stream (the source)', parseStreamName, DEFAULT_STREAM_NAME)
    .option('--lake-dir <dir>', 'the lake folder (default: <data-dir>/lake)', parseFolder('--lake-dir'))
    .addOption(
      new Option('--starting-position <position>', 'where a first start begins reading')
        .choices(STARTING_POSITIONS)
        .argParser(parseChoice(STARTING_POSITIONS))
        .default('TRIM_HORIZON'),
    )
    .option(
      '--buffer-size <MiB>',
      'write an object once a partition holds this much, 1-128',
      parseWholeUnits(
        '--buffer-size',
        'MiB',
        destinationBuffer.shape.sizeBytes,
        1024 * 1024,
        ' (as for Firehose)',
      ),
      5,
    )
    .option(
      '--buffer-interval <seconds>',
      'or once its oldest row waited this long, 0-900',
      parseWholeUnits('--buffer-interval', 'seconds', destinationBuffer.shape.intervalMs, 1000),
      1,
    )
    .addOption(
      new Option(
        '--format <format>',
        'data objects: Parquet (Snappy, as Firehose converts) or the JSON lines',
      )
        .choices(FORMATS)
        .argParser(parseChoice(FORMATS))
        .default('PARQUET'),
    )
    .addOption(
      new Option('--compression <kind>', 'compression of JSON-lines objects (Parquet is always Snappy)')
        .choices(COMPRESSIONS)
        .argParser(parseChoice(COMPRESSIONS))
        .default('UNCOMPRESSED'),
    );
  addDataDirOption(command);
  return command.action(async (options: DeliverOptions) => {
    const clients = await connectToClients({ ...options, target: 'local' });
    try {
      const dataDir = await preflightDataDir(options.dataDir, {
        checkpointDirs: [deliveryCheckpointDir(resolve(options.dataDir))],
        folders: options.lakeDir ? [options.lakeDir] : [],
      });
      await checkDeliveryCheckpoints(clients.kinesis, deliveryCheckpointDir(dataDir), options.stream);
      const worker = localDelivery(clients, dataDir, options.stream, {
        startingPosition: options.startingPosition,
        destinationBuffer: {
          sizeBytes: options.bufferSize * 1024 * 1024,
          intervalMs: options.bufferInterval * 1000,
        },
        format: options.format,
        compression: options.compression,
        ...(options.lakeDir && { lakeDir: resolve(options.lakeDir) }),
      });
      const line = new StatusLine();
      const interrupt = abortOnInterrupt(() => line.update('Stopping: writing what is buffered…', true));
      interrupt.signal.addEventListener('abort', () => void worker.stop(), { once: true });
      console.error(`Delivery: Kinesis ${options.stream} → lake ${worker.lake.root}. Ctrl-C stops.`);
      const timer = setInterval(() => line.update(formatDeliveryStatus(worker.metrics)), 250);
      try {
        await worker.start();
      } finally {
        clearInterval(timer);
        line.update(formatDeliveryStatus(worker.metrics), true);
        line.done();
        interrupt.dispose();
      }
      console.log(formatDeliverySummary(worker.metrics, worker.lake.root));
    } finally {
      clients.destroy();
    }
  });
}

export function formatDeliveryStatus(metrics: DeliveryMetrics): string {
  return (
    `in ${metrics.recordsIn} · rows ${metrics.ok} · failed ${metrics.processingFailed} · objects ${metrics.objectsWritten}` +
    ` · buffered ${metrics.bufferedRecords} · behind ${(metrics.millisBehind / 1000).toFixed(1)} s`
  );
}

export function formatDeliverySummary(metrics: DeliveryMetrics, lakeDir: string): string {
  const conversion =
    metrics.formatConversionFailed > 0 ? `, ${metrics.formatConversionFailed} failed Parquet conversion` : '';
  const unwritten =
    metrics.unwrittenAtStop > 0
      ? `. ${metrics.unwrittenAtStop} records could not be written (${metrics.lastWriteError}); ` +
        'the next start writes them, as its checkpoint stops before them'
      : '';
  return (
    `Delivery stopped: ${metrics.rowsWritten} rows in ${metrics.objectsWritten} objects under ${lakeDir}` +
    ` (${metrics.recordsIn} records in, ${metrics.dropped} dropped, ${metrics.processingFailed} to the error prefix` +
    `${conversion} in ${metrics.errorObjectsWritten} objects, ${metrics.invocations} transform invocations)${unwritten}`
  );
}
