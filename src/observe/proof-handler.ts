import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sleep as defaultSleep } from '../aws/backoff.ts';
import type { DynamoDbReadApi } from '../aws/table-scan.ts';
import { billedBytes, MEGABYTE } from '../catalog/athena-cost.ts';
import { type AthenaApi, AthenaEngine } from '../catalog/athena-engine.ts';
import { currentOrdersRelation } from '../catalog/current-orders-sql.ts';
import {
  type CurrentOrdersCheck,
  checkCurrentOrders,
  formatCheck,
  formatExamples,
  holds,
} from './current-orders-check.ts';
import { type DynamoDbMarkerApi, formatHeartbeat, type HeartbeatResult, runHeartbeat } from './heartbeat.ts';
import { type ProofConfig, ProofConfigError, type ProofMetric, proofConfigFromEnv } from './proof-config.ts';
import { emfLine, proofMetrics } from './proof-metrics.ts';

/**
 * The standing proof's Lambda handler (`-c proof=true`; infra/lib/proof-function.ts schedules it): on every run,
 * at once, the central invariant's check (current_orders, read through Athena without creating a view, against a
 * full scan of the table) and a heartbeat (a marker item written to the table and timed until Athena sees it),
 * within the function's time. It logs one line per result and publishes the counts as CloudWatch metrics in the
 * embedded metric format (`./proof-metrics.ts`): one JSON log line, which CloudWatch Logs turns into metrics, so
 * the function needs no cloudwatch:PutMetricData.
 *
 * What the proof found (orders lost, a stale lake) is data, not an error: the metrics carry it to the alarms. The
 * function fails (Lambda's Errors metric) only when it could not prove anything: its environment is not what the
 * stack sets, or the check or the heartbeat failed — after publishing whatever the other part measured.
 */

/** The two SDK clients the proof uses; a `DynamoDBClient` and an `AthenaClient` fit, and so do scripted ones. */
export interface ProofClients {
  readonly dynamodb: DynamoDbReadApi & DynamoDbMarkerApi;
  readonly athena: AthenaApi;
}

/** What the handler reads of Lambda's context object. */
export interface ProofContext {
  getRemainingTimeInMillis(): number;
}

export interface ProofHandlerOptions {
  /** @default process.env, read at each invocation */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** One human line per result. @default console.log */
  readonly log?: (line: string) => void;
  /** The metrics' log line, written alone so the log event is that JSON document. @default stdout */
  readonly emit?: (line: string) => void;
  /** Clock and timer of the check, the heartbeat and the Athena engine: tests pass fakes. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** One run: what each part found (absent when it failed), and the metrics published. */
export interface ProofRun {
  readonly check?: CurrentOrdersCheck;
  readonly heartbeat?: HeartbeatResult;
  /** The heartbeat's timeout this run: the configured one, or less when the function had less time left. */
  readonly heartbeatTimeoutMs: number;
  readonly metrics: Readonly<Partial<Record<ProofMetric, number>>>;
}

/**
 * Kept back from the function's end: after the deadline everything still running is aborted (Athena queries are
 * stopped), the markers are removed and the metrics written — a function that times out publishes nothing.
 */
export const RESERVE_MS = 30_000;

/** A handler over the clients `clients()` makes on the first invocation (then reused while the function is warm). */
export function proofHandler(
  clients: () => ProofClients,
  options: ProofHandlerOptions = {},
): (event: unknown, context?: ProofContext) => Promise<ProofRun> {
  let made: ProofClients | undefined;
  return async (_event, context) => {
    const config = proofConfigFromEnv(options.env ?? process.env);
    made ??= clients();
    return runProof(made, config, context, options);
  };
}

/** The deployed handler, on the function's own role and region (Lambda sets AWS_REGION). */
export const handler = proofHandler(() => ({
  // The SDK's own retries kept: the heartbeat's PutItem and DeleteItem have none of their own.
  dynamodb: new DynamoDBClient({}),
  // The engine retries with the repository's backoff, so the SDK's retries would multiply them (as athena-client.ts).
  athena: new AthenaClient({ maxAttempts: 1 }),
}));

async function runProof(
  clients: ProofClients,
  config: ProofConfig,
  context: ProofContext | undefined,
  options: ProofHandlerOptions,
): Promise<ProofRun> {
  const log = options.log ?? console.log;
  const emit = options.emit ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const { sleep } = options;
  const budgetMs = (context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY) - RESERVE_MS;
  const heartbeatTimeoutMs = heartbeatTimeout(config, budgetMs);
  // The run's deadline, on the same clock as everything else: when it passes, whatever still runs is aborted.
  const controller = new AbortController();
  const { signal } = controller;
  const deadlineWatch = new AbortController();
  const deadline = Number.isFinite(budgetMs)
    ? (sleep ?? defaultSleep)(budgetMs, deadlineWatch.signal).then(() => {
        if (!deadlineWatch.signal.aborted) controller.abort();
      })
    : Promise.resolve();
  let queries = 0;
  let bytesScanned = 0;
  let bytesBilled = 0;
  const engine = new AthenaEngine(clients.athena, {
    workGroup: config.workGroup,
    database: config.database,
    signal,
    ...(options.now && { now: options.now }),
    ...(sleep && { sleep }),
    onQueryStatistics: (statistics) => {
      queries += 1;
      bytesScanned += statistics.dataScannedInBytes;
      bytesBilled += billedBytes(statistics);
    },
  });
  try {
    const [checked, heartbeat] = await Promise.allSettled([
      checkCurrentOrders(engine, clients.dynamodb, config.tableName, {
        settleMs: config.settleSeconds * 1000,
        currentOrders: currentOrdersRelation(config.currentStateTable),
        signal,
        now,
        ...(sleep && { sleep }),
      }),
      runHeartbeat(clients.dynamodb, config.tableName, engine, {
        markers: config.heartbeatMarkers,
        intervalMs: config.heartbeatIntervalSeconds * 1000,
        pollIntervalMs: config.heartbeatPollSeconds * 1000,
        timeoutMs: heartbeatTimeoutMs,
        signal,
        now,
        ...(sleep && { sleep }),
      }),
    ]);
    const check = checked.status === 'fulfilled' ? checked.value : undefined;
    const beat = heartbeat.status === 'fulfilled' ? heartbeat.value : undefined;
    if (check) for (const line of [formatCheck(check), ...formatExamples(check)]) log(line);
    else log(`Proof check FAILED: ${messageOf(checked)}`);
    if (beat) log(formatHeartbeat(beat));
    else log(`Proof heartbeat FAILED: ${messageOf(heartbeat)}`);
    log(
      `Athena: ${queries} queries scanned ${megabytes(bytesScanned)} (billed as ${megabytes(bytesBilled)}: at ` +
        'least 10 MB a query)',
    );
    if (signal.aborted)
      log(
        `The run reached its deadline, ${RESERVE_MS / 1000} s before the function's end, and stopped what was ` +
          'still running.',
      );
    const metrics = proofMetrics({
      check,
      heartbeat: beat,
      markers: config.heartbeatMarkers,
      heartbeatTimeoutMs,
      bytesScanned,
    });
    emit(emfLine(config.tableName, metrics, now(), { holds: check && holds(check) }));
    const failures = [checked, heartbeat].flatMap((part) =>
      part.status === 'rejected' ? [part.reason] : [],
    );
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1)
      throw new AggregateError(
        failures,
        `The proof's check and heartbeat both failed: ${failures.map(textOf).join('; ')}`,
      );
    return { check, heartbeat: beat, heartbeatTimeoutMs, metrics };
  } finally {
    deadlineWatch.abort();
    await deadline;
  }
}

/**
 * The heartbeat's timeout this run: the configured one, cut so that its last marker, its timeout and two more
 * polls (the one that notices, and its query) end within the function's time.
 */
function heartbeatTimeout(config: ProofConfig, budgetMs: number): number {
  const lastWriteMs = (config.heartbeatMarkers - 1) * config.heartbeatIntervalSeconds * 1000;
  const pollMs = config.heartbeatPollSeconds * 1000;
  const timeoutMs = Math.min(config.heartbeatTimeoutSeconds * 1000, budgetMs - lastWriteMs - 2 * pollMs);
  if (timeoutMs < pollMs)
    throw new ProofConfigError(
      `The function has ${Math.round((budgetMs + RESERVE_MS) / 1000)} s left: too little for the heartbeat ` +
        `(markers written over ${lastWriteMs / 1000} s, polls every ${pollMs / 1000} s, ${RESERVE_MS / 1000} s ` +
        'kept back). Raise the function timeout or lower the heartbeat settings.',
    );
  return timeoutMs;
}

function messageOf(part: PromiseSettledResult<unknown>): string {
  return part.status === 'rejected' ? textOf(part.reason) : '';
}

function textOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function megabytes(bytes: number): string {
  return `${(bytes / MEGABYTE).toFixed(1)} MB`;
}
