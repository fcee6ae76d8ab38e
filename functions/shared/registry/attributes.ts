import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Plain JSON <-> DynamoDB attribute values, for the few shapes the registry stores (strings, numbers, booleans,
 * lists, maps). `undefined` members are left out, as JSON.stringify would; null becomes NULL.
 */
type Plain = string | number | boolean | null | readonly Plain[] | { readonly [key: string]: Plain | undefined };

/** Any JSON-shaped value (records are interfaces, which TypeScript does not see as index signatures). */
function toAttribute(value: unknown): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`the registry stores finite numbers only, got ${value}`);
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  if (typeof value === 'object') return { M: toItem(value) };
  throw new Error(`the registry cannot store a ${typeof value}`);
}

export function toItem(record: object): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) item[key] = toAttribute(value);
  return item;
}

function fromAttribute(value: AttributeValue): Plain {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(fromAttribute);
  if (value.M !== undefined) return fromItem(value.M);
  throw new Error(`the registry holds an attribute type it never writes: ${Object.keys(value).join(', ')}`);
}

export function fromItem(item: Record<string, AttributeValue>): { [key: string]: Plain } {
  return Object.fromEntries(Object.entries(item).map(([key, value]) => [key, fromAttribute(value)]));
}
