import type { GeneratorProgress, GeneratorRun } from '../generator/generate-orders.ts';
import { totalWritten } from '../generator/write-stats.ts';
import { progressBar } from './status-line.ts';

/** The live line while generating. */
export function formatGeneratorProgress(progress: GeneratorProgress, count: number | undefined): string {
  const { stats, elapsedMs } = progress;
  const total = totalWritten(stats);
  const rate = total / Math.max(elapsedMs / 1000, 1e-3);
  const kinds = `+${stats.written.insert} ~${stats.written.update} -${stats.written.delete}`;
  const retries = stats.retries > 0 ? ` · ${stats.retries} retried` : '';
  const head = count === undefined ? `${total} changes` : `${progressBar(total, count)} ${total}/${count}`;
  return `${head} · ${rate.toFixed(0)}/s · ${kinds}${retries}`;
}

/** The summary printed when a generator run ends, however it ends. */
export function formatGeneratorSummary(run: GeneratorRun): string {
  const { stats } = run;
  const lines = [
    `Generator ${run.error ? 'stopped by an error' : run.interrupted ? 'stopped (interrupted)' : 'finished'}: ${totalWritten(stats)} changes in ${(run.elapsedMs / 1000).toFixed(1)} s (${run.achievedRate.toFixed(1)}/s, ${run.writeMode} writes)`,
    `  inserts ${stats.written.insert}, updates ${stats.written.update}, deletes ${stats.written.delete}`,
    `  retries ${stats.retries} (throttled ${stats.throttled}), failed ${stats.failed}`,
    `  seed ${JSON.stringify(run.seed)} (pass --seed to replay the same changes)`,
  ];
  if (run.error) lines.push(`  error: ${run.error instanceof Error ? run.error.message : String(run.error)}`);
  return lines.join('\n');
}
