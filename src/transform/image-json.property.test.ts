import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type WireValue, wireArbitraries } from '../../test/helpers/dynamodb-arbitraries.ts';
import { canonicalNumber } from '../aws/canonical-item.ts';
import { type LosslessJson, parseLosslessJson } from '../catalog/lossless-json.ts';
import { itemToJson } from './attribute-json.ts';

const { attributeValue } = wireArbitraries('wild');
const item = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), attributeValue, { maxKeys: 10 });

/** The reference: what each wire value must become, numbers as canonical text. */
function expected(value: WireValue): LosslessJson {
  const [type, content] = Object.entries(value)[0] as [string, unknown];
  const num = (text: string) => ({ num: canonicalNumber(text) });
  switch (type) {
    case 'N':
      return num(content as string);
    case 'NS':
      return (content as string[]).map(num);
    case 'M':
      return Object.fromEntries(
        Object.entries(content as Record<string, WireValue>).map(([k, v]) => [k, expected(v)]),
      );
    case 'L':
      return (content as WireValue[]).map(expected);
    case 'NULL':
      return null;
    default:
      return content as LosslessJson;
  }
}

function canonicalNumbers(json: LosslessJson): LosslessJson {
  if (Array.isArray(json)) return json.map(canonicalNumbers);
  if (json !== null && typeof json === 'object') {
    if ('num' in json && typeof json.num === 'string') return { num: canonicalNumber(json.num) };
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, canonicalNumbers(v as LosslessJson)]));
  }
  return json;
}

describe('image_json', () => {
  it('is valid JSON carrying every value of any item, every number to its last digit', () => {
    fc.assert(
      fc.property(item, (wire) => {
        const json = itemToJson(wire, 'NewImage');
        const parsed = parseLosslessJson(json);
        expect(canonicalNumbers(parsed)).toEqual(
          Object.fromEntries(Object.entries(wire).map(([name, value]) => [name, expected(value)])),
        );
        expect(() => JSON.parse(json)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
