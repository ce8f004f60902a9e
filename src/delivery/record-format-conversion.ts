/**
 * Firehose's record format conversion, locally: the transform's JSON lines → one Parquet object. As on AWS, a
 * record that cannot be deserialized into the table's schema fails alone (Firehose writes it under
 * `errors/format-conversion-failed/`) and the others are converted; a failure that is not about the data
 * (the disk, the engine) fails the whole conversion, for the caller to retry.
 */
export interface ParquetConversion<Row> {
  /** The Parquet object of every row that converted, in input order; undefined when none did. */
  readonly body: Uint8Array | undefined;
  readonly converted: readonly Row[];
  /** Rows the schema rejects, each with DuckDB's reason (file path and hints left out). */
  readonly failed: ReadonlyArray<{ readonly row: Row; readonly reason: string }>;
}

/** DuckDB's words for input that does not fit the columns: anything else is not the rows' fault. */
const DATA_ERROR = /^(?:Error: )?(?:Invalid Input|Conversion) Error: /;

export function isDataError(error: unknown): boolean {
  return DATA_ERROR.test(String(error));
}

/**
 * Converts `rows` with `encode` (which takes JSON lines). When the schema rejects the batch, halves it until
 * each rejected row stands alone: a few bad rows among n cost about 2·log2(n) extra encodings each.
 */
export async function convertToParquet<Row>(
  rows: readonly Row[],
  bytesOf: (row: Row) => Uint8Array,
  encode: (jsonLines: Uint8Array) => Promise<Uint8Array>,
): Promise<ParquetConversion<Row>> {
  const converted: Row[] = [];
  const failed: Array<{ row: Row; reason: string }> = [];
  const sort = async (part: readonly Row[]): Promise<Uint8Array | undefined> => {
    try {
      const body = await encode(Buffer.concat(part.map(bytesOf)));
      converted.push(...part);
      return body;
    } catch (error) {
      if (!isDataError(error)) throw error;
      if (part.length === 1) {
        failed.push({ row: part[0] as Row, reason: conversionReason(error) });
        return undefined;
      }
      const half = Math.ceil(part.length / 2);
      await sort(part.slice(0, half));
      await sort(part.slice(half));
      return undefined;
    }
  };
  const whole = await sort(rows);
  if (whole !== undefined || converted.length === 0) return { body: whole, converted, failed };
  // Some rows failed: the rest (kept in input order, as the halves are sorted left first) as one object.
  return { body: await encode(Buffer.concat(converted.map(bytesOf))), converted, failed };
}

/** DuckDB's message without the temporary file's path and its generic hints: what is wrong with the row. */
export function conversionReason(error: unknown): string {
  const [first = ''] = String(error).split('\n');
  return first
    .replace(/^Error: /, '')
    .replace(/ in file "[^"]*"/, '')
    .replace(/,? in line \d+/, '')
    .replace(/,? at byte \d+/, '')
    .trim();
}
