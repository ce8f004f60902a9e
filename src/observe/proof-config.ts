import { z } from 'zod';
import { PipelineError } from '../errors/pipeline-error.ts';

/**
 * The standing proof on AWS (`-c proof=true`, infra/lib/proof-function.ts): a scheduled Lambda
 * (`./proof-handler.ts`) that runs the central invariant's check and a heartbeat against the deployed stack and
 * publishes what it found as CloudWatch metrics. This module holds what the stack and the handler share — the
 * environment the stack sets, the defaults, the metric names — and nothing that calls AWS, so infra/ can import
 * it as a definition.
 */

/** The environment variables the stack sets on the function and the handler reads. */
export const PROOF_ENV = {
  tableName: 'PROOF_TABLE',
  workGroup: 'PROOF_WORKGROUP',
  database: 'PROOF_DATABASE',
  currentStateTable: 'PROOF_CURRENT_STATE_TABLE',
  settleSeconds: 'PROOF_SETTLE_SECONDS',
  heartbeatMarkers: 'PROOF_HEARTBEAT_MARKERS',
  heartbeatIntervalSeconds: 'PROOF_HEARTBEAT_INTERVAL_SECONDS',
  heartbeatPollSeconds: 'PROOF_HEARTBEAT_POLL_SECONDS',
  heartbeatTimeoutSeconds: 'PROOF_HEARTBEAT_TIMEOUT_SECONDS',
} as const;

/** The one source of the proof's defaults: the schema below and the stack read them from here. */
export const PROOF_DEFAULTS = {
  /**
   * An order that differs is looked at again this long after the scan and counts only if it still differs: a
   * lake at most this stale holds every change the scan saw (`settleMs` of the check). On AWS a change is in
   * the lake one to two minutes after it was made.
   */
  settleSeconds: 300,
  heartbeatMarkers: 1,
  heartbeatIntervalSeconds: 10,
  /** Each poll is one Athena query, billed at least 10 MB: every 15 s for a 12-minute wait is 48 at most. */
  heartbeatPollSeconds: 15,
  /** Within the function's 15 minutes, with time left for the last poll, removing the markers and the metrics. */
  heartbeatTimeoutSeconds: 720,
} as const;

const seconds = (minimum: number, fallback: number, description: string) =>
  z.coerce.number().int().min(minimum).max(900).default(fallback).describe(description);

/** The handler's settings, from its environment: names required, timings defaulted. */
export const ProofConfigSchema = z.object({
  tableName: z.string().min(1).describe('DynamoDB orders table'),
  workGroup: z.string().min(1).describe('Athena workgroup (its result location is enforced)'),
  database: z.string().min(1).describe('Glue database holding orders_cdc'),
  currentStateTable: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional()
    .describe('The Iceberg table current_orders reads (-c currentState=iceberg); none: the whole history'),
  settleSeconds: seconds(0, PROOF_DEFAULTS.settleSeconds, 'second look at a difference after this long'),
  heartbeatMarkers: z.coerce
    .number()
    .int()
    .min(1)
    .max(10)
    .default(PROOF_DEFAULTS.heartbeatMarkers)
    .describe('heartbeat markers written per run'),
  heartbeatIntervalSeconds: seconds(
    1,
    PROOF_DEFAULTS.heartbeatIntervalSeconds,
    'between two markers of a run',
  ),
  heartbeatPollSeconds: seconds(1, PROOF_DEFAULTS.heartbeatPollSeconds, 'between two lake queries'),
  heartbeatTimeoutSeconds: seconds(
    1,
    PROOF_DEFAULTS.heartbeatTimeoutSeconds,
    'a marker not in the lake this long after its write is not seen',
  ),
});
export type ProofConfig = z.infer<typeof ProofConfigSchema>;

/** The function's environment is not what the stack sets: a deployment error, reported as the function's error. */
export class ProofConfigError extends PipelineError {
  constructor(message: string) {
    super('config', 'PROOF_CONFIG', message);
  }
}

/** Reads the config from the environment; a missing or invalid variable throws, naming each one and its value. */
export function proofConfigFromEnv(env: Readonly<Record<string, string | undefined>>): ProofConfig {
  const input = Object.fromEntries(
    Object.entries(PROOF_ENV).map(([name, variable]) => [name, env[variable] || undefined]),
  );
  const parsed = ProofConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]) as keyof typeof PROOF_ENV;
    const value = input[name];
    return `${PROOF_ENV[name]}=${value === undefined ? '(unset)' : JSON.stringify(value)}: ${issue.message}`;
  });
  throw new ProofConfigError(
    `The proof function's environment is invalid (the stack sets it: redeploy with -c proof=true):\n  ${problems.join('\n  ')}`,
  );
}

/** Where the proof's metrics go (one namespace per account: the dimension tells stacks apart). */
export const PROOF_METRIC_NAMESPACE = 'GadgetSalesCdc/Proof';

/** Every proof metric has this one dimension, the orders table's name. */
export const PROOF_METRIC_DIMENSION = 'TableName';

/** The metrics of one run; each is published only when the part of the proof that measures it finished. */
export const PROOF_METRICS = {
  /** Orders in the table that current_orders lacks (after the settle time). */
  lostOrders: 'LostOrders',
  /** Orders in current_orders that the table lacks. */
  unexpectedOrders: 'UnexpectedOrders',
  /** Orders in both whose items differ. */
  differentOrders: 'DifferentOrders',
  /** Orders that differed and changed in the table while the check ran: not counted. */
  changedDuringCheck: 'ChangedDuringCheck',
  /** Read capacity units the scan consumed (what an on-demand table bills). */
  checkReadUnits: 'CheckReadUnits',
  /** The slowest marker's write → queryable time; the heartbeat's timeout when one was not seen. */
  freshnessSeconds: 'FreshnessSeconds',
  /** Markers the lake did not show within the heartbeat's timeout. */
  markersNotSeen: 'MarkersNotSeen',
  /** What the run's Athena queries scanned (Athena bills it, at least 10 MB per query). */
  athenaBytesScanned: 'AthenaBytesScanned',
} as const;
export type ProofMetric = (typeof PROOF_METRICS)[keyof typeof PROOF_METRICS];
