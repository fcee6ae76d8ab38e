import { createHash } from 'node:crypto';
import { zipSingleFile } from '../shared/zip';
import { PROBE_SOURCE } from './probe-code.generated';

/** File and handler of the probe function: the compiled probe.ts as CommonJS. */
export const PROBE_FILE_NAME = 'index.js';
export const PROBE_HANDLER = 'index.handler';

/** The probe's deployment package. Deterministic (no timestamps in the zip), so its hash identifies the code. */
export function probeCodeZip(): Uint8Array {
  return zipSingleFile(PROBE_FILE_NAME, PROBE_SOURCE);
}

/** What Lambda reports as CodeSha256 for this package: base64 of its SHA-256. */
export function probeCodeSha256(zip: Uint8Array = probeCodeZip()): string {
  return createHash('sha256').update(zip).digest('base64');
}
