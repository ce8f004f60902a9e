import { availableParallelism } from 'node:os';
import { compactLake } from '../../lake/compact.ts';
import { LocalDiskStore } from '../../lake/local-disk-store.ts';

/** `gadget-cdc compact` over an existing lake folder: folds the current state, merges small objects, says so. */
export async function compactAction(lakeDir: string): Promise<void> {
  const lake = new LocalDiskStore(lakeDir);
  // By hand: fold whatever has arrived, on every core (up's periodic compaction folds at 1%, on one).
  const { snapshot, partitions } = await compactLake(lake, { threads: availableParallelism() });
  if (!snapshot && partitions.length === 0)
    console.log(
      `Nothing to compact in ${lake.root}: every object is in the current state, no partition has two small files.`,
    );
  if (snapshot)
    console.log(
      `Current state: ${snapshot.objectsAbsorbed} objects folded into ${snapshot.key} (${snapshot.orders} orders).`,
    );
  for (const result of partitions) {
    console.log(
      `${result.partition}: ${result.filesBefore} files, ${result.rowsBefore} rows → 1 file, ${result.rowsAfter} rows` +
        (result.rowsBefore > result.rowsAfter
          ? ` (${result.rowsBefore - result.rowsAfter} duplicate copies dropped)`
          : ''),
    );
  }
}
