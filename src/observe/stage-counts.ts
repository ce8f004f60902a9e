import type { DeliveryMetrics } from '../delivery/delivery-metrics.ts';
import type { PipeMetrics } from '../pipe/pipe-metrics.ts';

/** Each stage's count and what it still owes the next, as `up`'s live line and the dashboard show them. */
export interface StageCounts {
  readonly generated: number;
  /** Put on Kinesis by the pipe. */
  readonly captured: number;
  readonly capturedBehind: number;
  /** Rows durable in the lake. */
  readonly delivered: number;
  /** Captured records not yet written, failed or dropped by the delivery. */
  readonly deliveredBehind: number;
  /** Records the transform failed, or whose row failed Parquet conversion (sent to the error prefix). */
  readonly failed: number;
}

export function stageCounts(generated: number, pipe: PipeMetrics, delivery: DeliveryMetrics): StageCounts {
  const captured = pipe.recordsPut;
  const failed = delivery.processingFailed + delivery.formatConversionFailed;
  const landed = delivery.rowsWritten + failed + delivery.dropped;
  return {
    generated,
    captured,
    capturedBehind: Math.max(0, generated - captured),
    delivered: delivery.rowsWritten,
    deliveredBehind: Math.max(0, captured - landed),
    failed,
  };
}
