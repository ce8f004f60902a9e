import type { GeneratorProgress, GeneratorRun } from '../generator/generate-orders.ts';
import { totalWritten, type WriteStats } from '../generator/write-stats.ts';
import { progressBar } from './status-line.ts';

/**
 * The live line while generating; `askedRate` (--rate) to say when the achieved rate falls well short; a bar
 * of the way to `count` for a terminal (`bar`), none for words read elsewhere (the status file, the page).
 */
export function formatGeneratorProgress(
  progress: GeneratorProgress,
  count: number | undefined,
  askedRate?: number | 'max',
  { bar = true }: { bar?: boolean } = {},
): string {
  const { stats, elapsedMs } = progress;
  const total = totalWritten(stats);
  const rate = total / Math.max(elapsedMs / 1000, 1e-3);
  const kinds = `+${stats.written.insert} ~${stats.written.update} -${stats.written.delete}`;
  const retries = stats.retries > 0 ? ` · ${stats.retries} retried` : '';
  const head =
    count === undefined
      ? `${total} changes`
      : `${bar ? `${progressBar(total, count)} ` : ''}${total}/${count}`;
  const short = elapsedMs >= SETTLE_MS ? rateShortfall(askedRate, rate, stats) : '';
  return `${head} · ${rate.toFixed(0)}/s${short ? ` (${short})` : ''} · ${kinds}${retries}`;
}

/** The first seconds of a run are too few to judge its rate by. */
const SETTLE_MS = 5_000;
/** Below this share of --rate the run says it falls short. */
const SHORT_OF_RATE = 0.8;

/**
 * "asked 200/s, but …" when the achieved rate is well below --rate, with the reason when one is known: DynamoDB
 * throttled the writes, or nothing did and the table takes writes no faster here (DynamoDB Local on disk
 * takes a few hundred a second on two cores). '' when the rate holds or there is no rate to hold.
 */
export function rateShortfall(
  askedRate: number | 'max' | undefined,
  achieved: number,
  stats: WriteStats,
): string {
  if (typeof askedRate !== 'number' || achieved >= askedRate * SHORT_OF_RATE) return '';
  const why =
    stats.throttled > 0
      ? `DynamoDB throttled ${stats.throttled} writes`
      : 'the table takes writes no faster here';
  return `asked ${askedRate}/s, but ${why}`;
}

/** The summary printed when a generator run ends, however it ends. */
export function formatGeneratorSummary(run: GeneratorRun, askedRate?: number | 'max'): string {
  const { stats } = run;
  const short = run.elapsedMs >= SETTLE_MS ? rateShortfall(askedRate, run.achievedRate, stats) : '';
  const lines = [
    `Generator ${run.error ? 'stopped by an error' : run.interrupted ? 'stopped (interrupted)' : 'finished'}: ${totalWritten(stats)} changes in ${(run.elapsedMs / 1000).toFixed(1)} s (${run.achievedRate.toFixed(1)}/s${short ? `, ${short}` : ''}, ${run.writeMode} writes)`,
    `  inserts ${stats.written.insert}, updates ${stats.written.update}, deletes ${stats.written.delete}`,
    `  retries ${stats.retries} (throttled ${stats.throttled}), failed ${stats.failed}`,
    `  seed ${JSON.stringify(run.seed)} (pass --seed to replay the same changes)`,
  ];
  if (run.error) lines.push(`  error: ${run.error instanceof Error ? run.error.message : String(run.error)}`);
  return lines.join('\n');
}
