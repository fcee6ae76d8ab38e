import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The request JSON Schema (draft 2020-12) that ValidateRequest, the CLI and the API all use. */
export const REQUEST_SCHEMA_PATH = join(__dirname, '..', 'functions', 'shared', 'request.schema.json');
export const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

type Schema = boolean | { [keyword: string]: unknown };

/** Keywords draft-04 knows and that mean the same there; their sub-schemas are converted in turn. */
const SAME = new Set([
  'type', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'format', 'minItems', 'maxItems',
  'uniqueItems', 'required', 'additionalProperties', 'properties', 'items', 'allOf', 'anyOf', 'oneOf', 'not',
  'title', 'description', 'default', 'multipleOf', 'minProperties', 'maxProperties', 'patternProperties',
]);
/** Annotations draft-04 does not have and that change no validation: dropped. */
const ANNOTATIONS = new Set(['$id', '$schema', '$comment', 'examples', 'deprecated', 'readOnly', 'writeOnly']);
const SCHEMA_VALUED = new Set(['additionalProperties', 'items', 'not']);
const SCHEMA_LIST_VALUED = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_MAP_VALUED = new Set(['properties', 'patternProperties']);

/**
 * The request schema as an API Gateway model: API Gateway validates with JSON Schema draft-04, so the newer
 * keywords become their draft-04 equivalents (`if/then/else` -> `anyOf`/`not`, boolean schemas -> `{}` and
 * `{ not: {} }`, numeric `exclusiveMinimum` -> `minimum` + `exclusiveMinimum: true`, `const` -> `enum`),
 * annotations draft-04 lacks are dropped, and anything else fails synthesis naming the keyword, so the API
 * never validates less than the schema says.
 */
export function toDraft04(schema: Schema, path = '#'): Record<string, unknown> {
  if (schema === true) return {};
  if (schema === false) return { not: {} };
  const out: Record<string, unknown> = {};
  const conditions: Record<string, unknown>[] = [];
  for (const [keyword, value] of Object.entries(schema)) {
    const at = `${path}/${keyword}`;
    if (ANNOTATIONS.has(keyword)) continue;
    if (keyword === 'if' || keyword === 'then' || keyword === 'else') continue;
    if (keyword === 'const') {
      out.enum = [value];
    } else if (keyword === 'exclusiveMinimum' || keyword === 'exclusiveMaximum') {
      if (typeof value !== 'number') throw unsupported(at, 'a non-numeric exclusive bound (draft-04 style) in a 2020-12 schema');
      const bound = keyword === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      const existing = schema[bound];
      if (typeof existing === 'number' && (bound === 'minimum' ? existing > value : existing < value)) continue;
      out[bound] = value;
      out[keyword] = true;
    } else if (keyword === 'minimum' || keyword === 'maximum') {
      const exclusive = schema[keyword === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'];
      const tighter = typeof exclusive === 'number' && (keyword === 'minimum' ? exclusive >= (value as number) : exclusive <= (value as number));
      if (!tighter) out[keyword] = value;
    } else if (SCHEMA_VALUED.has(keyword) && (typeof value === 'object' || typeof value === 'boolean')) {
      out[keyword] = keyword === 'additionalProperties' && typeof value === 'boolean' ? value : toDraft04(value as Schema, at);
    } else if (SCHEMA_LIST_VALUED.has(keyword) && Array.isArray(value)) {
      out[keyword] = value.map((item, index) => toDraft04(item as Schema, `${at}/${index}`));
    } else if (SCHEMA_MAP_VALUED.has(keyword) && typeof value === 'object' && value !== null) {
      out[keyword] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toDraft04(sub as Schema, `${at}/${name}`)]));
    } else if (SAME.has(keyword)) {
      out[keyword] = value;
    } else {
      throw unsupported(at, `the keyword ${keyword}`);
    }
  }
  if (schema.if !== undefined) {
    const condition = toDraft04(schema.if as Schema, `${path}/if`);
    // if A then B else C  ==  (not A or B) and (A or C)
    if (schema.then !== undefined) conditions.push({ anyOf: [{ not: condition }, toDraft04(schema.then as Schema, `${path}/then`)] });
    if (schema.else !== undefined) conditions.push({ anyOf: [condition, toDraft04(schema.else as Schema, `${path}/else`)] });
  } else if (schema.then !== undefined || schema.else !== undefined) {
    throw unsupported(`${path}/then`, 'then/else without if');
  }
  if (conditions.length > 0) out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), ...conditions];
  return out;
}

function unsupported(at: string, what: string): Error {
  return new Error(
    `functions/shared/request.schema.json uses ${what} at ${at}, which has no draft-04 equivalent here: API Gateway models are draft-04; teach infra/request-model.ts to convert it`,
  );
}

/** The request schema, converted, with draft-04's `$schema`: the API's POST /requests model. */
export function requestModelSchema(path = REQUEST_SCHEMA_PATH): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Schema;
  return { $schema: DRAFT_04, ...toDraft04(schema) };
}
