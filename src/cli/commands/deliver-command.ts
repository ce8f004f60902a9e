import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_STREAM_NAME } from '../../aws/resource-names.ts';
import { errorTypePrefix, partitionPrefix } from '../../catalog/lake-layout.ts';
import { DeliveryConfigSchema } from '../../delivery/delivery-config.ts';
import { InvalidOptionError } from '../../errors/pipeline-error.ts';
import type { S3Location } from '../../lake/s3-location.ts';
import { checkDeliveryCheckpoints } from '../../local/checkpoint-positions.ts';
import { lakeFolder } from '../../local/data-dir.ts';
import { preflightDataDir } from '../../local/data-dir-preflight.ts';
import { type OpenLake, openLake } from '../../twin/delivery-lake.ts';
import { deliveryCheckpointDir, deliveryInto } from '../../twin/local-delivery.ts';
import { connectToClients } from '../../twin/stack-connection.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import {
  parseChoice,
  parseEndpointUrl,
  parseFolder,
  parseRegion,
  parseS3Lake,
  parseStreamName,
  parseWholeUnits,
} from '../option-parsers.ts';
import { addDataDirOption } from '../shared-options.ts';
import { formatDeliveryStatus, formatDeliverySummary, printTransformWarning } from '../stage-reports.ts';
import { StatusLine } from '../status-line.ts';

const STARTING_POSITIONS = ['TRIM_HORIZON', 'LATEST'] as const;
const FORMATS = ['PARQUET', 'JSON'] as const;
const COMPRESSIONS = ['UNCOMPRESSED', 'GZIP'] as const;
const destinationBuffer = DeliveryConfigSchema.shape.destinationBuffer.unwrap();

interface DeliverOptions {
  stream: string;
  dataDir: string;
  lakeDir?: string;
  lakeS3?: S3Location;
  s3Endpoint?: string;
  region?: string;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  bufferSize: number;
  bufferInterval: number;
  format: 'PARQUET' | 'JSON';
  compression: 'UNCOMPRESSED' | 'GZIP';
}

export function deliverCommand(): Command {
  const command = new Command('deliver')
    .summary('run the local Firehose: Kinesis stream → transform → lake folder (or bucket), until Ctrl-C')
    .description(
      'Reads every shard of the Kinesis stream, runs the transform Lambda over Firehose-sized batches, and writes each ' +
        `change as an orders_cdc row under <lake>/${partitionPrefix('YYYY-MM-DD')} (Parquet, or JSON lines), failures with their raw bytes ` +
        `under <lake>/${errorTypePrefix('processing-failed')}YYYY/MM/DD/HH/. Checkpoints each shard under <data-dir>/checkpoints/delivery ` +
        'once its rows are written: a restart, even after a crash, loses nothing.',
    )
    .option('--stream <name>', 'Kinesis stream (the source)', parseStreamName, DEFAULT_STREAM_NAME)
    .option('--lake-dir <dir>', 'the lake folder (default: <data-dir>/lake)', parseFolder('--lake-dir'))
    .addOption(
      new Option(
        '--lake-s3 <s3://bucket/prefix>',
        'write the lake to a bucket instead (AWS, or --s3-endpoint)',
      )
        .argParser(parseS3Lake)
        .conflicts('lakeDir'),
    )
    .option(
      '--s3-endpoint <url>',
      'with --lake-s3: any S3 API (MinIO, …); credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile',
      parseEndpointUrl('--s3-endpoint', 'http://127.0.0.1:9000'),
    )
    .option(
      '--region <region>',
      "with --lake-s3: the bucket's region (default: $AWS_REGION or us-east-1)",
      parseRegion,
    )
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
    if (options.s3Endpoint && !options.lakeS3) {
      throw new InvalidOptionError(
        'cli',
        '--s3-endpoint says where the --lake-s3 bucket is: add --lake-s3 s3://<bucket>/<prefix>.',
      );
    }
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
          sizeBytes: options.bufferSize * 1024 * 1024,
          intervalMs: options.bufferInterval * 1000,
        },
        format: options.format,
        compression: options.compression,
      });
      const line = new StatusLine();
      const interrupt = abortOnInterrupt(() => line.update('Stopping: writing what is buffered…', true));
      interrupt.signal.addEventListener('abort', () => void worker.stop(), { once: true });
      console.error(`Delivery: Kinesis ${options.stream} → lake ${lake.where}. Ctrl-C stops.`);
      const timer = setInterval(() => line.update(formatDeliveryStatus(worker.metrics)), 250);
      try {
        await worker.start();
      } finally {
        clearInterval(timer);
        line.update(formatDeliveryStatus(worker.metrics), true);
        line.done();
        interrupt.dispose();
      }
      console.log(formatDeliverySummary(worker.metrics, lake.where));
    } finally {
      lake?.close();
      clients.destroy();
    }
  });
}
