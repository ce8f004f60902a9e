/** DuckDB values as plain JavaScript: bigints within 2^53 as numbers, decimals and the like as their text. */
export function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value !== null && typeof value === 'object') return String(value);
  return value;
}
