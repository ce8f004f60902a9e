import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB stores numbers normalized ("48.20" comes back as "48.2", "1E2" as "100") and sets without order.
 * Comparing items — the generator's expected state with a Scan, the lake with the table — must use this
 * canonical form: plain decimal text without redundant zeros, sets sorted. Never goes through a float.
 */
export function canonicalNumber(text: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match ?? [];
  if (!match || whole + fraction === '') return text;
  let digits = whole + fraction;
  let point = whole.length + Number(exponent);
  const leadingZeros = /^0*/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(leadingZeros).replace(/0+$/, '');
  point -= leadingZeros;
  if (digits === '') return '0';
  const minus = sign === '-' ? '-' : '';
  if (point <= 0) return `${minus}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${minus}${digits}${'0'.repeat(point - digits.length)}`;
  return `${minus}${digits.slice(0, point)}.${digits.slice(point)}`;
}

export function canonicalValue(value: AttributeValue): AttributeValue {
  if (value.N !== undefined) return { N: canonicalNumber(value.N) };
  if (value.NS !== undefined) return { NS: value.NS.map(canonicalNumber).sort() };
  if (value.SS !== undefined) return { SS: [...value.SS].sort() };
  if (value.BS !== undefined) return { BS: [...value.BS].sort(compareBytes) };
  if (value.M !== undefined) return { M: canonicalItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(canonicalValue) };
  return value;
}

/** The item with every number canonical and every set sorted; attribute order follows the names. */
export function canonicalItem(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(
    Object.keys(item)
      .sort()
      .map((name) => [name, canonicalValue(item[name] as AttributeValue)]),
  );
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
