import { z } from 'zod';
import { DATA_OUTPUT_PREFIX, ERROR_OUTPUT_PREFIX } from '../catalog/lake-layout.ts';

/**
 * The local Firehose's defaults, the one source for the delivery, its command line and the deployed delivery
 * stream (infra). Tuned for freshness locally (about a second end to end); AWS's own defaults are 1 MB / 60 s
 * for the processor and 5 MiB / 300 s for S3, and any of them can be set.
 */
export const DELIVERY_DEFAULTS = {
  deliveryStreamName: 'orders-cdc',
  startingPosition: 'TRIM_HORIZON',
  processorBuffer: { sizeBytes: 1024 * 1024, intervalMs: 500 },
  destinationBuffer: { sizeBytes: 5 * 1024 * 1024, intervalMs: 1_000 },
  format: 'PARQUET',
  compression: 'UNCOMPRESSED',
} as const;

/** Firehose's bounds on buffering hints: processor 1 byte-3 MiB, S3 1 byte-128 MiB; both 0-900 s. */
const bufferingHints = (maxBytes: number, defaults: { sizeBytes: number; intervalMs: number }) =>
  z
    .object({
      sizeBytes: z.number().int().min(1).max(maxBytes).describe('write once this much is buffered'),
      intervalMs: z.number().int().min(0).max(900_000).describe('or once the oldest record waited this long'),
    })
    .default(defaults);

/** The local Firehose's settings, named after the delivery stream's (docs/aws-contracts.md, Firehose). */
export const DeliveryConfigSchema = z.object({
  deliveryStreamName: z.string().min(1).default(DELIVERY_DEFAULTS.deliveryStreamName),
  /** Grows with each configuration change on AWS; part of every object name. */
  version: z.number().int().min(1).default(1),
  kinesisStreamName: z.string().min(1),
  /**
   * Where a first start begins reading (Firehose itself starts at LATEST when created). AT_TIMESTAMP (with
   * `startingTimestampMs`) is for replays: every shard without a checkpoint starts there, on any start.
   */
  startingPosition: z
    .enum(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'])
    .default(DELIVERY_DEFAULTS.startingPosition)
    .describe('where a first start begins reading'),
  startingTimestampMs: z.number().int().min(0).optional(),
  /** Checkpoints go to `<checkpointDir>/<delivery stream>/shards/<shardId>.json`. */
  checkpointDir: z.string().min(1),
  processorBuffer: bufferingHints(3 * 1024 * 1024, DELIVERY_DEFAULTS.processorBuffer),
  destinationBuffer: bufferingHints(128 * 1024 * 1024, DELIVERY_DEFAULTS.destinationBuffer),
  invocationRetries: z.number().int().min(0).default(3),
  prefix: z.string().default(DATA_OUTPUT_PREFIX),
  errorOutputPrefix: z.string().default(ERROR_OUTPUT_PREFIX),
  format: z
    .enum(['PARQUET', 'JSON'])
    .default(DELIVERY_DEFAULTS.format)
    .describe('data objects: Parquet (Snappy, as Firehose converts) or the JSON lines'),
  compression: z
    .enum(['UNCOMPRESSED', 'GZIP'])
    .default(DELIVERY_DEFAULTS.compression)
    .describe('compression of JSON-lines objects (Parquet is always Snappy)'),
  region: z.string().default('us-east-1'),
  /** ARNs shown to the transform in its event (the local twin has no real ones). */
  deliveryStreamArn: z.string().default('arn:aws:firehose:us-east-1:000000000000:deliverystream/orders-cdc'),
  lambdaArn: z.string().default('arn:aws:lambda:us-east-1:000000000000:function:orders-cdc-transform'),
  pollIntervalMs: z.number().int().min(0).default(200),
});
export type DeliveryConfig = z.infer<typeof DeliveryConfigSchema>;
export type DeliveryConfigInput = z.input<typeof DeliveryConfigSchema>;
