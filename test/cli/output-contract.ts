import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import schema from '../../cli/output.schema.json';

/** Validates a `provision --json` document against cli/output.schema.json; returns Ajv's errors, or [] when valid. */
export function contractErrors(document: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
}
