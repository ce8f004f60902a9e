import { join } from 'node:path';

/**
 * The data dir's layout: the one place it is spelled. Everything the local twin knows lives under it and
 * survives a restart from it.
 *
 *   dynamodb/            DynamoDB Local's database
 *   kinesis/             kinesalite's store (the stream's records, kept 24 h)
 *   logs/                the servers' own output
 *   lake/                the lake, laid out like the bucket (src/catalog/lake-layout.ts)
 *   checkpoints/pipe/<source>/shards/<shardId>.json          the pipe's per-shard checkpoints
 *   checkpoints/delivery/<delivery stream>/shards/<shardId>.json   the delivery's (and a replay's)
 *   checkpoints/backfill-<table>.json                          a backfill's position
 *   local-stack.json     the running stack's lock and endpoints
 *   up-status.json       the last `up` run's live line and summary
 */
const DYNAMODB = 'dynamodb';
const KINESIS = 'kinesis';
const LOGS = 'logs';
const LAKE = 'lake';
const CHECKPOINTS = 'checkpoints';
const STACK_RECORD = 'local-stack.json';
const RUN_STATUS = 'up-status.json';

/** The folders of a data dir (created as they are needed). */
export const DATA_DIR_FOLDERS = [DYNAMODB, KINESIS, LOGS, LAKE, CHECKPOINTS] as const;

/** What only a data dir a pipeline ran from holds: one of these is there. */
export const PIPELINE_MARKERS = [LAKE, CHECKPOINTS, DYNAMODB, STACK_RECORD, RUN_STATUS] as const;

/** The stages that keep per-shard checkpoints in the data dir. */
export type CheckpointStage = 'pipe' | 'delivery';

export function dynamodbFolder(dataDir: string): string {
  return join(dataDir, DYNAMODB);
}

export function kinesisFolder(dataDir: string): string {
  return join(dataDir, KINESIS);
}

export function logsFolder(dataDir: string): string {
  return join(dataDir, LOGS);
}

export function lakeFolder(dataDir: string): string {
  return join(dataDir, LAKE);
}

/** A stage's checkpoint folder: `<this>/<source or delivery stream>/shards/<shardId>.json`. */
export function checkpointFolder(dataDir: string, stage: CheckpointStage): string {
  return join(dataDir, CHECKPOINTS, stage);
}

export function backfillCheckpointFile(dataDir: string, tableName: string): string {
  return join(dataDir, CHECKPOINTS, `backfill-${tableName}.json`);
}

export function stackRecordFile(dataDir: string): string {
  return join(dataDir, STACK_RECORD);
}

export function runStatusFile(dataDir: string): string {
  return join(dataDir, RUN_STATUS);
}
