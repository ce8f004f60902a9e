/**
 * The custom metrics the transform's log line feeds on AWS (metric filters on its log group, written by
 * infra/lib/transform-function.ts) and the dashboard reads back (src/dashboard/cloudwatch-health.ts): one
 * namespace per function, so two deployments never mix, and no dimension.
 */
export const TRANSFORM_METRICS = {
  /** Changes with a value some column cannot hold (NULL there, exact in image_json). */
  unrepresentable: 'UnrepresentableChanges',
  /** Records the transform failed (sent to errors/processing-failed/). */
  processingFailed: 'ProcessingFailedRecords',
} as const;

export function transformMetricNamespace(functionName: string): string {
  return `GadgetSalesCdc/${functionName}`;
}
