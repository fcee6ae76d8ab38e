import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

describe('--profile', () => {
  it('is the profile the SDK reads its credentials from, and a profile that does not exist is named with the fix', async () => {
    // GIVEN shared config and credentials files with one profile, "good", and no credentials in the environment
    const dir = mkdtempSync(join(tmpdir(), 'lambda-egress-profile-'));
    writeFileSync(join(dir, 'config'), '[profile good]\nregion = us-east-1\n');
    writeFileSync(join(dir, 'credentials'), `[good]\naws_access_key_id = ${process.env.AWS_ACCESS_KEY_ID ?? ''}\naws_secret_access_key = test-secret\n`);
    const env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' };

    // WHEN a command runs with --profile nosuch, and with --profile good
    const [missing, good] = await Promise.all([
      runCli(['networks', '--table-name', 'lambda-egress-registry', '--profile', 'nosuch'], env),
      runCli(['status', 'arn:aws:states:us-east-1:123456789012:execution:lambda-egress-provision:none', '--profile', 'good'], env),
    ]);

    // THEN the missing profile is named, with the fix; the good one reaches the emulator (which knows no such execution)
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nosuch');
    expect(missing.stderr).toContain('--profile NAME');
    expect(good.stderr).toContain('No such execution');
  });
});
