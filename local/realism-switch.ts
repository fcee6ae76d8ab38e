import { CONTROL_PREFIX } from './proxy/pipeline';

/**
 * Turns the realism profile (realism-profile.ts) on for the account of `accessKeyId` in the fault proxy at
 * `endpoint`: the CLI's `--local --aws-realism [seed]`, after its own setup (the demo function), so only the
 * workflow's calls are answered as AWS behaves. A plain moto in AWS_ENDPOINT_URL has no proxy: said plainly.
 */
export async function switchRealismOn(endpoint: string, accessKeyId: string, seed: number): Promise<void> {
  const url = `${endpoint.replace(/\/$/, '')}${CONTROL_PREFIX}/realism?accessKeyId=${encodeURIComponent(accessKeyId)}`;
  const response = await fetch(url, { method: 'PUT', body: JSON.stringify({ seed }) }).catch(() => undefined);
  if (!response?.ok) {
    throw new Error(`--aws-realism needs lambda-egress's own emulator (its fault proxy answers as AWS behaves); ${endpoint} is not one: unset AWS_ENDPOINT_URL to use the embedded emulator`);
  }
}
