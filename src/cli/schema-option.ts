import { Option } from 'commander';
import { z } from 'zod';
import { parseChoice, parseWholeUnits, type Unit, wholeUnitBounds } from './option-parsers.ts';
import { enumValues, numberBounds } from './schema-rule.ts';

/**
 * Command-line options built from the config schema fields they set, so that each default and description is
 * written once, in the stage's schema, and the code, infra and the command line (its values and its help) all
 * read it there — as Redpanda Connect's config spec both parses and documents.
 */

export interface FieldOptionSpec<T> {
  /** The option's own help text, where the field's `.describe()` text does not suit the command line. */
  readonly description?: string;
  /** Reads and checks the text given (option-parsers.ts). Enum fields and `unit` options get theirs here. */
  readonly parse?: (value: string) => unknown;
  /** The option counts whole `unit`s of a field kept in smaller ones; its default and range are converted. */
  readonly unit?: Unit;
  /** With `unit`: said after the rule when a value is refused, e.g. " (as for Firehose)". */
  readonly note?: string;
  /** Values of an enum field that the command line does not take. */
  readonly except?: readonly string[];
  /** The default, in the field's units, for a field whose default sits on its parent object. */
  readonly default?: T;
  /** How the help shows a default that does not print as it is (an object). */
  readonly showDefault?: (value: T) => string;
}

/**
 * A commander Option setting `field`: its default is the field's own (what it parses no value to) or
 * `spec.default`, in the option's units; its help is the field's `.describe()` text (or `spec.description`)
 * followed by the field's range; an enum field's values are the option's choices. Throws when the field has no
 * description and the spec gives none, or when a default is no whole number of the option's unit: both are
 * mistakes in the code, found as soon as the command is defined.
 */
export function schemaOption<T>(flags: string, field: z.ZodType<T>, spec: FieldOptionSpec<T> = {}): Option {
  const option = new Option(flags, helpText(flags, field, spec));
  const name = option.long ?? flags;
  const choices = enumValues(field)?.filter((value) => !spec.except?.includes(value));
  if (choices) option.choices(choices).argParser(parseChoice(choices));
  else if (spec.unit) option.argParser(parseWholeUnits(name, field, spec.unit, spec.note));
  else if (spec.parse) option.argParser(spec.parse);
  const value = 'default' in spec ? spec.default : (fieldDefault(field) as T | undefined);
  if (value !== undefined) option.default(inOptionUnits(flags, value, spec.unit), spec.showDefault?.(value));
  return option;
}

/**
 * What the field gives when no value is given, as the option holds it: before any transform of the field's
 * (the data dir's default is shown as `.gadget-cdc`, which the code resolves, not as this machine's absolute path).
 * Undefined for a field with no default.
 */
function fieldDefault(field: z.ZodType): unknown {
  const result = z.safeParse(field instanceof z.ZodPipe ? field.in : field, undefined);
  return result.success ? result.data : undefined;
}

function inOptionUnits(flags: string, value: unknown, unit: Unit | undefined): unknown {
  if (!unit) return value;
  const units = Number(value) / unit.size;
  if (!Number.isSafeInteger(units))
    throw new Error(`${flags}: the default ${String(value)} is not a whole number of ${unit.name}.`);
  return units;
}

/** The description, then the field's range where one is worth saying (not a safe integer's own bounds). */
function helpText<T>(flags: string, field: z.ZodType<T>, spec: FieldOptionSpec<T>): string {
  const description = spec.description ?? field.description;
  if (description === undefined)
    throw new Error(`${flags}: its schema field has no .describe() text and the option gives none.`);
  const { min, max } = spec.unit ? wholeUnitBounds(field, spec.unit) : numberBounds(field);
  if (!Number.isFinite(min) || !Number.isFinite(max) || max >= Number.MAX_SAFE_INTEGER) return description;
  return `${description}, ${min}-${max}${spec.unit ? ` ${spec.unit.name}` : ''}`;
}
