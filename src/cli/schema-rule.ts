import { z } from 'zod';

/**
 * A zod schema's rule in words, for messages that refuse a value: "a whole number from 1 to 100", "3 to 255
 * characters of [a-zA-Z0-9_.-]", "a number >= 0.01 or \"max\"". Read from the schema's JSON Schema (zod's own,
 * public export), so a bound changed in the schema changes the message with it.
 */
export function describeRule(schema: z.ZodType): string {
  return ruleText(jsonRuleOf(schema));
}

/** The inclusive bounds of a numeric schema (an exclusive bound of a whole number moves by one). */
export function numberBounds(schema: z.ZodType): { min: number; max: number } {
  const { min = -Infinity, max = Infinity } = inclusiveBounds(jsonRuleOf(schema));
  return { min, max };
}

/** The values an enum schema takes, in its order; undefined for any other schema. */
export function enumValues(schema: z.ZodType): string[] | undefined {
  return jsonRuleOf(schema).enum?.filter((value) => typeof value === 'string');
}

interface JsonRule {
  readonly type?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonRule[];
}

function jsonRuleOf(schema: z.ZodType): JsonRule {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonRule;
}

function ruleText(rule: JsonRule): string {
  if (rule.anyOf) return rule.anyOf.map(ruleText).join(' or ');
  if (rule.const !== undefined) return JSON.stringify(rule.const);
  if (rule.type === 'integer' || rule.type === 'number') return numberText(rule);
  if (rule.type === 'string') return stringText(rule);
  return 'a valid value';
}

function inclusiveBounds(rule: JsonRule): { min?: number; max?: number } {
  const step = rule.type === 'integer' ? 1 : 0;
  return {
    min: rule.minimum ?? (rule.exclusiveMinimum === undefined ? undefined : rule.exclusiveMinimum + step),
    max: rule.maximum ?? (rule.exclusiveMaximum === undefined ? undefined : rule.exclusiveMaximum - step),
  };
}

function numberText(rule: JsonRule): string {
  if (rule.type === 'integer') {
    const { min, max } = inclusiveBounds(rule);
    if (min !== undefined && max !== undefined) return `a whole number from ${min} to ${max}`;
    if (min !== undefined) return `a whole number >= ${min}`;
    if (max !== undefined) return `a whole number <= ${max}`;
    return 'a whole number';
  }
  const bounds = [
    rule.minimum !== undefined ? `>= ${rule.minimum}` : undefined,
    rule.exclusiveMinimum !== undefined ? `> ${rule.exclusiveMinimum}` : undefined,
    rule.maximum !== undefined ? `<= ${rule.maximum}` : undefined,
    rule.exclusiveMaximum !== undefined ? `< ${rule.exclusiveMaximum}` : undefined,
  ].filter((bound) => bound !== undefined);
  return bounds.length > 0 ? `a number ${bounds.join(' and ')}` : 'a number';
}

function stringText(rule: JsonRule): string {
  const { minLength: min = 0, maxLength: max } = rule;
  const length =
    max !== undefined
      ? `${min} to ${max} characters`
      : min > 0
        ? `at least ${min} character${min === 1 ? '' : 's'}`
        : 'text';
  if (rule.pattern === undefined) return length;
  // The usual naming rule, one character class repeated: say the class itself.
  const characterClass = /^\^(\[[^\]]+\])\+\$$/.exec(rule.pattern)?.[1];
  return characterClass ? `${length} of ${characterClass}` : `${length} matching /${rule.pattern}/`;
}
