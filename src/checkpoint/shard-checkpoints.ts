import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PipelineError } from '../errors/pipeline-error.ts';
import { writeFileDurably } from './durable-file.ts';

/**
 * Where a reader's shard checkpoints live: `<checkpointDir>/<source>/shards/`, the source being what it reads
 * (`<table>-<stream label>` for the pipe, the delivery stream's name for the delivery).
 */
export function shardsFolder(checkpointDir: string, source: string): string {
  return join(checkpointDir, source, 'shards');
}

/** One shard's checkpoint, with the source its reader reads. */
export interface SourceCheckpoint {
  readonly source: string;
  readonly checkpoint: ShardCheckpoint;
}

/**
 * Every shard checkpoint under `checkpointDir`, source by source (each `<source>/shards/`); none when there is
 * no such folder. A damaged file throws CorruptCheckpointError, as it would for its reader.
 */
export async function everySourceCheckpoint(checkpointDir: string): Promise<SourceCheckpoint[]> {
  if (!existsSync(checkpointDir)) return [];
  const found: SourceCheckpoint[] = [];
  for (const entry of await readdir(checkpointDir, { withFileTypes: true })) {
    const shards = shardsFolder(checkpointDir, entry.name);
    if (!entry.isDirectory() || !existsSync(shards)) continue;
    for (const checkpoint of (await new ShardCheckpointStore(shards).loadAll()).values())
      found.push({ source: entry.name, checkpoint });
  }
  return found;
}

/** Where a reader stands in one shard. Written only after the data before it is safely downstream. */
export const ShardCheckpointSchema = z.object({
  shardId: z.string().min(1),
  /** The last record whose data is safely downstream; absent before the first one. */
  sequenceNumber: z.string().regex(/^\d+$/).optional(),
  /** The shard is closed and every record of it is downstream. */
  finished: z.boolean().default(false),
  /**
   * Set before a batch is sent, cleared once it is through: after a crash, records up to here may already be
   * downstream, so re-sending them is counted as a replay.
   */
  inFlightThrough: z.string().regex(/^\d+$/).optional(),
  updatedAt: z.string(),
});
export type ShardCheckpoint = z.infer<typeof ShardCheckpointSchema>;

/**
 * A checkpoint file that cannot be read, or names a position its stream does not have: the reader stops rather
 * than guess one. Without the file, that shard is read again from its start (TRIM_HORIZON: the pipe once its
 * first run is behind it, the delivery unless told LATEST), so what was read before comes again (duplicates,
 * which the views drop) and nothing is skipped.
 */
export class CorruptCheckpointError extends PipelineError {
  constructor(path: string, cause: unknown) {
    super(
      'pipe',
      'CORRUPT_CHECKPOINT',
      `Checkpoint ${path} cannot be read (${oneLine(cause instanceof Error ? cause.message : String(cause))}). ` +
        `Move it aside (mv '${path}' '${path}.damaged') and start again: that shard is then re-read from its ` +
        'start (TRIM_HORIZON; pass no --starting-position LATEST that time), so downstream sees duplicates, never a loss.',
      { cause },
    );
  }
}

/** zod's messages span lines; a checkpoint's problem is told on one. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** One JSON file per shard in a directory; every write is atomic and durable. */
export class ShardCheckpointStore {
  constructor(readonly directory: string) {}

  async loadAll(): Promise<Map<string, ShardCheckpoint>> {
    await mkdir(this.directory, { recursive: true });
    const checkpoints = new Map<string, ShardCheckpoint>();
    for (const name of await readdir(this.directory)) {
      if (!name.endsWith('.json')) continue;
      const path = join(this.directory, name);
      let checkpoint: ShardCheckpoint;
      try {
        checkpoint = ShardCheckpointSchema.parse(JSON.parse(await readFile(path, 'utf8')));
      } catch (error) {
        throw new CorruptCheckpointError(path, error);
      }
      checkpoints.set(checkpoint.shardId, checkpoint);
    }
    return checkpoints;
  }

  async save(checkpoint: Omit<ShardCheckpoint, 'updatedAt'>): Promise<void> {
    const content = JSON.stringify({ ...checkpoint, updatedAt: new Date().toISOString() }, null, 2);
    await writeFileDurably(this.pathOf(checkpoint.shardId), `${content}\n`);
  }

  /** The file holding a shard's checkpoint. */
  pathOf(shardId: string): string {
    return join(this.directory, `${fileNameOf(shardId)}.json`);
  }
}

/** Shard ids are safe already ("shardId-00000001700000000000-abc123"); anything else is made so. */
function fileNameOf(shardId: string): string {
  return shardId.replace(/[^A-Za-z0-9._-]/g, '_');
}
