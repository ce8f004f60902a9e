import { Command, Option } from 'commander';
import { ResourceNamesSchema } from '../../aws/resource-names.ts';
import { errorTypePrefix, partitionPrefix } from '../../catalog/lake-layout.ts';
import { DELIVERY_DEFAULTS, DeliveryConfigSchema } from '../../delivery/delivery-config.ts';
import { InvalidOptionError } from '../../errors/pipeline-error.ts';
import {
  MIB_OF_BYTES,
  parseEndpointUrl,
  parseFolder,
  parseRegion,
  parseS3Lake,
  parseStreamName,
  SECONDS_OF_MS,
} from '../option-parsers.ts';
import { schemaOption } from '../schema-option.ts';
import { addDataDirOption } from '../shared-options.ts';
import type { DeliverOptions } from './deliver-action.ts';

const delivery = DeliveryConfigSchema.shape;
/** Its fields have no defaults of their own: the object's default (DELIVERY_DEFAULTS) sets them together. */
const destinationBuffer = delivery.destinationBuffer.unwrap().shape;

export function deliverCommand(): Command {
  const command = new Command('deliver')
    .summary('run the local Firehose: Kinesis stream → transform → lake folder (or bucket), until Ctrl-C')
    .description(
      'Reads every shard of the Kinesis stream, runs the transform Lambda over Firehose-sized batches, and writes each ' +
        `change as an orders_cdc row under <lake>/${partitionPrefix('YYYY-MM-DD')} (Parquet, or JSON lines), failures with their raw bytes ` +
        `under <lake>/${errorTypePrefix('processing-failed')}YYYY/MM/DD/HH/. Checkpoints each shard under <data-dir>/checkpoints/delivery ` +
        'once its rows are written: a restart, even after a crash, loses nothing.',
    )
    .addOption(
      schemaOption('--stream <name>', ResourceNamesSchema.shape.streamName, {
        description: 'Kinesis stream (the source)',
        parse: parseStreamName,
      }),
    )
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
    // AT_TIMESTAMP is for replays (`gadget-cdc replay --from <time>`).
    .addOption(
      schemaOption('--starting-position <position>', delivery.startingPosition, { except: ['AT_TIMESTAMP'] }),
    )
    .addOption(
      schemaOption('--buffer-size <MiB>', destinationBuffer.sizeBytes, {
        unit: MIB_OF_BYTES,
        note: ' (as for Firehose)',
        default: DELIVERY_DEFAULTS.destinationBuffer.sizeBytes,
      }),
    )
    .addOption(
      schemaOption('--buffer-interval <seconds>', destinationBuffer.intervalMs, {
        unit: SECONDS_OF_MS,
        default: DELIVERY_DEFAULTS.destinationBuffer.intervalMs,
      }),
    )
    .addOption(schemaOption('--format <format>', delivery.format))
    .addOption(schemaOption('--compression <kind>', delivery.compression));
  addDataDirOption(command);
  return command.action(async (options: DeliverOptions) => {
    // An option check: it comes before the delivery's implementation loads.
    const bucketOnly = options.s3Endpoint ? '--s3-endpoint' : options.region ? '--region' : undefined;
    if (bucketOnly && !options.lakeS3) {
      throw new InvalidOptionError(
        'cli',
        `${bucketOnly} says where the --lake-s3 bucket is: add --lake-s3 s3://<bucket>/<prefix>.`,
      );
    }
    await (await import('./deliver-action.ts')).deliverAction(options);
  });
}
