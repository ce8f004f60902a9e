import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** An attribute value in DynamoDB's JSON wire form: `{"S": …}`, `{"N": "1.5"}`, `{"B": base64}`, … */
export type WireValue = Record<string, unknown>;
export type WireItem = Record<string, WireValue>;

/**
 * An item as the SDK returns it, back in the wire JSON (what streams and Pipes carry): the SDK decodes binaries
 * into bytes; on the wire they are base64 strings.
 */
export function wireItem(item: Record<string, AttributeValue> | undefined): WireItem {
  const wire: WireItem = {};
  for (const [name, value] of Object.entries(item ?? {})) wire[name] = wireValue(value);
  return wire;
}

function wireValue(value: AttributeValue): WireValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.M !== undefined) return { M: wireItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(wireValue) };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  const [type, content] = value.$unknown ?? ['NULL', true]; // a type newer than this SDK: passed on as it came
  return { [type]: content };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
