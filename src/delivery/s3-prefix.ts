import { randomBytes } from 'node:crypto';
import { InvalidOptionError } from '../errors/pipeline-error.ts';
import { dateField } from '../lake/object-name.ts';

/** What a prefix expression may draw on when it is evaluated for one object. */
export interface PrefixValues {
  /** Arrival time (epoch ms) of the oldest record in the object: what every `!{timestamp:…}` shows. */
  readonly arrivalMs: number;
  /** The record's `metadata.partitionKeys` from the transform (dynamic partitioning). */
  readonly partitionKeys?: Readonly<Record<string, string>>;
  /** `processing-failed`, `format-conversion-failed`, …: only in error prefixes. */
  readonly errorOutputType?: string;
  /** What `!{firehose:random-string}` shows; a fresh random string when absent. */
  readonly randomString?: string;
}

/**
 * Stands for `!{firehose:random-string}` while records are grouped into objects: Firehose draws one random
 * string per object, so the delivery replaces it only when it writes the object.
 */
export const RANDOM_STRING_PLACEHOLDER = '\u0001random\u0001';

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'timestamp'; readonly format: readonly DatePart[] }
  | { readonly kind: 'partitionKeyFromLambda'; readonly key: string }
  | { readonly kind: 'errorOutputType' }
  | { readonly kind: 'randomString' };
type DatePart = { readonly text: string } | { readonly field: 'yyyy' | 'MM' | 'dd' | 'HH' | 'mm' | 'ss' };

/** A Firehose S3 prefix, checked once when configured and evaluated per object. */
export interface S3Prefix {
  readonly template: string;
  /** Partition keys the prefix needs from the transform. */
  readonly partitionKeys: readonly string[];
  evaluate(values: PrefixValues): string;
}

/**
 * Compiles a Firehose custom prefix (AWS "Custom prefixes for Amazon S3 objects"): text with `!{timestamp:<Java
 * DateTimeFormatter pattern>}` (UTC; yyyy MM dd HH mm ss and quoted text), `!{partitionKeyFromLambda:<key>}`,
 * `!{firehose:random-string}` (11 characters) and, in an error prefix only, `!{firehose:error-output-type}`.
 * An empty prefix is Firehose's default, `yyyy/MM/dd/HH/` of the arrival time. Anything else is refused with
 * the expression and what is allowed.
 */
export function compilePrefix(template: string, use: 'data' | 'error'): S3Prefix {
  if (template === '') return compilePrefix('!{timestamp:yyyy/MM/dd/HH}/', use);
  const parts: Part[] = [];
  let at = 0;
  for (const match of template.matchAll(/!\{([^}:]*):([^}]*)\}/g)) {
    if (match.index > at) parts.push(text(template.slice(at, match.index), template));
    parts.push(expression(match[1] as string, match[2] as string, template, use));
    at = match.index + match[0].length;
  }
  if (at < template.length) parts.push(text(template.slice(at), template));
  const partitionKeys = parts.flatMap((part) => (part.kind === 'partitionKeyFromLambda' ? [part.key] : []));
  if (use === 'error' && !parts.some((part) => part.kind === 'errorOutputType')) {
    throw invalid(template, 'an error prefix must contain !{firehose:error-output-type}');
  }
  return {
    template,
    partitionKeys,
    evaluate(values) {
      const date = new Date(values.arrivalMs);
      return parts.map((part) => evaluatePart(part, date, values, template)).join('');
    },
  };
}

function text(raw: string, template: string): Part {
  if (raw.includes('!{')) throw invalid(template, `"${raw}" holds an unfinished !{…} expression`);
  return { kind: 'text', text: raw };
}

function expression(namespace: string, value: string, template: string, use: 'data' | 'error'): Part {
  if (namespace === 'timestamp') return { kind: 'timestamp', format: dateFormat(value, template) };
  if (namespace === 'partitionKeyFromLambda') {
    if (!/^[A-Za-z0-9_-]+$/.test(value))
      throw invalid(template, `partition key name "${value}" is not a plain name`);
    return { kind: 'partitionKeyFromLambda', key: value };
  }
  if (namespace === 'firehose' && value === 'random-string') return { kind: 'randomString' };
  if (namespace === 'firehose' && value === 'error-output-type') {
    if (use !== 'error')
      throw invalid(template, '!{firehose:error-output-type} may only appear in the error prefix');
    return { kind: 'errorOutputType' };
  }
  throw invalid(
    template,
    `!{${namespace}:${value}} is not one of !{timestamp:…}, !{partitionKeyFromLambda:…}, !{firehose:random-string}, !{firehose:error-output-type}`,
  );
}

/** The subset of Java's DateTimeFormatter that prefixes use: yyyy MM dd HH mm ss, 'quoted text', separators. */
function dateFormat(pattern: string, template: string): DatePart[] {
  const parts: DatePart[] = [];
  for (const token of pattern.match(/'[^']*'|yyyy|MM|dd|HH|mm|ss|[^A-Za-z']+|[A-Za-z]+|'/g) ?? []) {
    if (token.startsWith("'")) {
      if (token.length < 2 || !token.endsWith("'")) throw invalid(template, `unclosed quote in "${pattern}"`);
      parts.push({ text: token.slice(1, -1) });
    } else if (/^(yyyy|MM|dd|HH|mm|ss)$/.test(token)) parts.push({ field: token as 'yyyy' });
    else if (/[A-Za-z]/.test(token)) {
      throw invalid(
        template,
        `"${token}" in timestamp pattern "${pattern}" is not one of yyyy, MM, dd, HH, mm, ss`,
      );
    } else parts.push({ text: token });
  }
  return parts;
}

function evaluatePart(part: Part, date: Date, values: PrefixValues, template: string): string {
  switch (part.kind) {
    case 'text':
      return part.text;
    case 'timestamp':
      return part.format.map((p) => ('text' in p ? p.text : dateField(date, p.field))).join('');
    case 'partitionKeyFromLambda': {
      const value = values.partitionKeys?.[part.key];
      if (value === undefined || value === '') throw new MissingPartitionKeyError(part.key, template);
      return value;
    }
    case 'errorOutputType':
      return values.errorOutputType ?? 'processing-failed';
    case 'randomString':
      return values.randomString ?? randomString();
  }
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Firehose's `!{firehose:random-string}`: 11 characters. */
export function randomString(): string {
  return Array.from(randomBytes(11), (byte) => ALPHABET[byte % ALPHABET.length]).join('');
}

function invalid(template: string, why: string): InvalidOptionError {
  return new InvalidOptionError('delivery', `S3 prefix ${JSON.stringify(template)}: ${why}.`);
}

/** The transform gave a record no value for a key the prefix needs: Firehose sends such records to the error prefix. */
export class MissingPartitionKeyError extends Error {
  override readonly name = 'MissingPartitionKeyError';
  constructor(
    readonly key: string,
    template: string,
  ) {
    super(`the transform returned no partition key "${key}", which prefix ${JSON.stringify(template)} needs`);
  }
}
