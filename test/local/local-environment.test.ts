import { InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { IAMClient } from '@aws-sdk/client-iam';
import { isProcessAlive } from '../../local/moto-server';
import { applySdkEnvironment, openLocalEnvironment, probeAnswerFor, queueInvokeAnswers } from '../../local/local-environment';
import { ensureDemoFunction } from '../../local/sample-function';
import type { ReachabilityVerdict } from '../../functions/probe/types';
import { emulator } from '../../local/test-support/emulator-control';

const PROBE = { url: 'https://aws.amazon.com/', timeoutSeconds: 3, expectedStatuses: [200] };

describe('the local environment (what --local prepares)', () => {
  it("points the SDK's standard environment at the emulator, keeping credentials that are set and adding dummy ones otherwise", () => {
    const bare: NodeJS.ProcessEnv = { AWS_MAX_ATTEMPTS: '5' };
    expect(applySdkEnvironment(bare, 'http://127.0.0.1:5000')).toBe('us-east-1');
    expect(bare).toEqual({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: expect.any(String),
      AWS_SECRET_ACCESS_KEY: expect.any(String),
      AWS_MAX_ATTEMPTS: '1',
    });
    const configured: NodeJS.ProcessEnv = { AWS_ACCESS_KEY_ID: 'AKIAMINE', AWS_SECRET_ACCESS_KEY: 'mine', AWS_REGION: 'eu-west-1' };
    expect(applySdkEnvironment(configured, 'http://127.0.0.1:5000')).toBe('eu-west-1');
    expect(configured).toMatchObject({ AWS_ACCESS_KEY_ID: 'AKIAMINE', AWS_SECRET_ACCESS_KEY: 'mine', AWS_DEFAULT_REGION: 'eu-west-1' });
    expect(applySdkEnvironment({ ...configured }, 'http://x', 'ap-south-1')).toBe('ap-south-1');
  });

  it('uses the emulator in AWS_ENDPOINT_URL and leaves it running', async () => {
    const env: NodeJS.ProcessEnv = { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' };
    const environment = await openLocalEnvironment(env, { start: () => Promise.reject(new Error('must not start an emulator')) });
    expect(environment).toMatchObject({ endpoint: 'http://127.0.0.1:4566', embedded: false, region: 'us-east-1' });
    await environment.close();
  });

  it('starts an embedded moto server without AWS_ENDPOINT_URL, and stops exactly it on close (twice is fine)', async () => {
    const env: NodeJS.ProcessEnv = {};
    const environment = await openLocalEnvironment(env);
    try {
      expect(environment.embedded).toBe(true);
      expect(env.AWS_ENDPOINT_URL).toBe(environment.endpoint);
      expect(isProcessAlive(environment.pid ?? -1)).toBe(true);
      expect((await fetch(`${environment.endpoint}/moto-api/reset`, { method: 'POST' })).ok).toBe(true);
    } finally {
      await environment.close();
      await environment.close();
    }
    expect(isProcessAlive(environment.pid ?? -1)).toBe(false);
  });

  it('creates the demo function once: a second run finds it', async () => {
    await emulator.freshAccount();
    const iam = new IAMClient({});
    const lambda = new LambdaClient({});
    const first = await ensureDemoFunction(iam, lambda, 'lambda-egress-demo');
    const second = await ensureDemoFunction(iam, lambda, 'lambda-egress-demo');
    expect(second.FunctionArn).toBe(first.FunctionArn);
    expect(first).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler' });
    expect(first.VpcConfig?.SubnetIds ?? []).toEqual([]);
    const functions = await lambda.send(new ListFunctionsCommand({}));
    expect(functions.Functions?.map((fn) => fn.FunctionName)).toEqual(['lambda-egress-demo']);
  });

  it("queues the probe's answer so that the emulator's next Invoke returns it", async () => {
    await emulator.freshAccount();
    const lambda = new LambdaClient({});
    const fn = await ensureDemoFunction(new IAMClient({}), lambda, 'answered');
    const answer = probeAnswerFor({ verdict: 'PASS', port: 443, paths: [] }, PROBE);
    await queueInvokeAnswers(process.env.AWS_ENDPOINT_URL ?? '', fn.FunctionArn?.split(':')[4] ?? '', 'us-east-1', [answer]);
    const invoked = await lambda.send(new InvokeCommand({ FunctionName: 'answered', Payload: Buffer.from('{}') }));
    expect(JSON.parse(Buffer.from(invoked.Payload ?? new Uint8Array()).toString('utf8'))).toEqual(answer);
  });

  it('answers the probe as the reachability verdict implies: the expected status on PASS, a time-out on FAIL', () => {
    expect(probeAnswerFor({ verdict: 'PASS', port: 443, paths: [] }, PROBE)).toEqual({ url: PROBE.url, ok: true, statusCode: 200, elapsedMs: 0 });
    const broken: ReachabilityVerdict = { verdict: 'FAIL', hop: 'default-route', explanation: 'no route', fix: 'add one', port: 443, paths: [] };
    expect(probeAnswerFor(broken, PROBE)).toEqual({
      url: PROBE.url,
      ok: false,
      elapsedMs: 3000,
      error: { kind: 'timeout', message: expect.stringContaining('local mode: no request was sent') },
    });
  });
});
