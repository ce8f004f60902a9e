import { canonicalNumber } from '../aws/canonical-item.ts';
import { RecordRejection } from './record-rejection.ts';

/**
 * DynamoDB's typed JSON (`{"N":"1.5"}`, `{"SS":[…]}`, …) as it appears in a stream record, turned into plain
 * JSON text: S → string, N → number (its exact digits, never through a double), B → base64 string,
 * BOOL → boolean, NULL → null, M → object, L → array, SS/NS/BS → arrays. Malformed values are rejected
 * with their path.
 */
export function itemToJson(item: unknown, path: string): string {
  if (!isObject(item)) throw new RecordRejection(`${path} is not a map of attributes`);
  let json = '{';
  let first = true;
  for (const name in item) {
    json += `${first ? '' : ','}${JSON.stringify(name)}:${attributeToJson(item[name], `${path}.${name}`)}`;
    first = false;
  }
  return `${json}}`;
}

export function attributeToJson(value: unknown, path: string): string {
  if (!isObject(value)) throw new RecordRejection(`${path} is not a DynamoDB attribute value`);
  let json: string | undefined;
  let types = 0;
  for (const type in value) {
    types++;
    const content = value[type];
    switch (type) {
      case 'S':
        json = jsonString(content, path);
        break;
      case 'N':
        json = jsonNumber(content, path);
        break;
      case 'B':
        json = jsonString(content, path);
        break;
      case 'BOOL':
        if (typeof content !== 'boolean') throw new RecordRejection(`${path}.BOOL is not a boolean`);
        json = content ? 'true' : 'false';
        break;
      case 'NULL':
        json = 'null';
        break;
      case 'M':
        json = itemToJson(content, path);
        break;
      case 'L':
        json = jsonArray(content, path, (element, i) => attributeToJson(element, `${path}[${i}]`));
        break;
      case 'SS':
      case 'BS':
        json = jsonArray(content, path, (element, i) => jsonString(element, `${path}[${i}]`));
        break;
      case 'NS':
        json = jsonArray(content, path, (element, i) => jsonNumber(element, `${path}[${i}]`));
        break;
      default:
        throw new RecordRejection(`${path} has unknown DynamoDB type ${JSON.stringify(type)}`);
    }
  }
  if (types !== 1 || json === undefined)
    throw new RecordRejection(`${path} must have exactly one DynamoDB type, has ${types}`);
  return json;
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** A number as DynamoDB accepts it in N (and as numeric text in S may hold it). */
export const DYNAMODB_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A DynamoDB number's text as a JSON number literal with the same value. */
export function jsonNumber(text: unknown, path: string): string {
  if (typeof text !== 'string') throw new RecordRejection(`${path} is not a number string`);
  if (JSON_NUMBER.test(text)) return text;
  if (DYNAMODB_NUMBER.test(text)) return canonicalNumber(text);
  throw new RecordRejection(`${path} is not a number: ${JSON.stringify(text.slice(0, 50))}`);
}

function jsonString(text: unknown, path: string): string {
  if (typeof text !== 'string') throw new RecordRejection(`${path} is not a string`);
  return JSON.stringify(text);
}

function jsonArray(
  content: unknown,
  path: string,
  element: (value: unknown, index: number) => string,
): string {
  if (!Array.isArray(content)) throw new RecordRejection(`${path} is not a list`);
  return `[${content.map(element).join(',')}]`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
