import { partitionPrefix } from '../catalog/lake-layout.ts';
import { PipelineError } from '../errors/pipeline-error.ts';

/** One object as `ObjectStore.list` reports it. */
export interface ObjectSummary {
  /** The object's key, relative to the store (without any S3 prefix the store adds). */
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
}

/**
 * The lake's storage seam: a local folder laid out like the bucket (LocalDiskStore), or an S3 bucket under a
 * prefix (S3Store). What writes the lake goes through it: the delivery (`put` only, into either store: `deliver
 * --lake-s3`), the backfill and compaction. What reads it with SQL cannot: DuckDB reads a folder's files in
 * place (`DuckDbLake.open(folder)`, and compaction, hence `FolderStore`), Athena reads the bucket. Keys follow `assertValidObjectKey`; every method rejects an
 * invalid key with `InvalidObjectKeyError` before touching storage. Failures of the storage itself (disk,
 * network, throttling) propagate as the underlying error so callers can retry them.
 */
export interface ObjectStore {
  /** Human-readable location, e.g. "file:///…/lake" or "s3://bucket/prefix". */
  readonly location: string;
  /** Writes an object atomically: readers see the old state or the whole new object, never a part. */
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** The object's bytes; throws `ObjectNotFoundError` naming the key when there is no such object. */
  get(key: string): Promise<Uint8Array>;
  exists(key: string): Promise<boolean>;
  /**
   * Every key starting with `prefix` (a plain string prefix, as in S3: "a/b" matches "a/b/c" and "a/bc"),
   * recursively, sorted by UTF-8 bytes (S3's order), with size; pages through however many there are.
   * `prefix` may be "" for everything; otherwise it follows the key rules, except that it may end with '/'.
   */
  list(prefix: string): Promise<ObjectSummary[]>;
  /** Deletes the keys (missing ones are fine). All keys are validated before any is deleted. */
  delete(keys: readonly string[]): Promise<void>;
}

/** A store whose objects are also files DuckDB can read in place: key `a/b.parquet` is `<root>/a/b.parquet`. */
export interface FolderStore extends ObjectStore {
  readonly root: string;
}

/** A key (or list prefix) that breaks one of the key rules. */
export class InvalidObjectKeyError extends PipelineError {
  constructor(
    readonly key: string,
    readonly rule: string,
  ) {
    super(
      'lake',
      'INVALID_OBJECT_KEY',
      `Invalid object key ${JSON.stringify(key)}: ${rule}. Keys are relative '/'-separated paths such as ` +
        `"${partitionPrefix('2026-01-31')}file.parquet".`,
    );
  }
}

/** `get` of a key that holds no object. */
export class ObjectNotFoundError extends PipelineError {
  constructor(
    readonly key: string,
    location: string,
  ) {
    super(
      'lake',
      'OBJECT_NOT_FOUND',
      `No object with key ${JSON.stringify(key)} in ${location}. Check the key, or list its prefix to see what exists.`,
    );
  }
}

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_OBJECT_KEY_BYTES = 1024;
/**
 * Limit on one '/'-separated segment, in UTF-8 bytes: a segment is a file name on local disk, where names stop
 * at 255 bytes and the in-flight temp name adds a few dozen bytes.
 */
export const MAX_KEY_SEGMENT_BYTES = 200;

// Control characters cannot be file names everywhere (NUL) nor be sent back in S3's XML listings.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Throws `InvalidObjectKeyError` unless `key` is portable between the local folder and S3: non-empty,
 * relative (no leading '/'), no empty segment ('a//b', trailing '/'), no segment starting with '.' (that rules
 * out '.' and '..', and keeps dot-names free for the local store's in-flight temp files), no control
 * characters, at most `MAX_OBJECT_KEY_BYTES` in all and `MAX_KEY_SEGMENT_BYTES` per segment.
 */
export function assertValidObjectKey(key: string): void {
  const rule = brokenKeyRule(key);
  if (rule !== undefined) throw new InvalidObjectKeyError(key, rule);
}

/** Like `assertValidObjectKey`, for a `list` prefix: "" is allowed, and so is one trailing '/'. */
export function assertValidKeyPrefix(prefix: string): void {
  if (prefix === '') return;
  const rule = brokenKeyRule(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  if (rule !== undefined) throw new InvalidObjectKeyError(prefix, rule);
}

/** Whether `key` follows the key rules of `assertValidObjectKey`. */
export function isValidObjectKey(key: string): boolean {
  return brokenKeyRule(key) === undefined;
}

function brokenKeyRule(key: string): string | undefined {
  if (key === '') return 'it is empty';
  if (key.startsWith('/')) return "it starts with '/' (keys are relative)";
  if (CONTROL_CHARACTER.test(key)) return 'it contains a control character';
  if (Buffer.byteLength(key, 'utf8') > MAX_OBJECT_KEY_BYTES) {
    return `it is longer than ${MAX_OBJECT_KEY_BYTES} UTF-8 bytes`;
  }
  for (const segment of key.split('/')) {
    if (segment === '') return "it has an empty segment ('//' or a trailing '/')";
    if (segment === '..') return "it has a '..' segment";
    if (segment.startsWith('.')) return `its segment ${JSON.stringify(segment)} starts with '.'`;
    if (Buffer.byteLength(segment, 'utf8') > MAX_KEY_SEGMENT_BYTES) {
      return `a segment is longer than ${MAX_KEY_SEGMENT_BYTES} UTF-8 bytes`;
    }
  }
  return undefined;
}

/** S3's listing order: by the keys' UTF-8 bytes (differs from JS string order for characters past U+FFFF). */
export function compareObjectKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** `items` sorted by key in S3's listing order (each key encoded once, not once per comparison). */
export function sortByObjectKey<T extends { readonly key: string }>(items: readonly T[]): T[] {
  return items
    .map((item) => ({ item, bytes: Buffer.from(item.key, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ item }) => item);
}
