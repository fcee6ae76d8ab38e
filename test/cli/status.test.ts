import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { statusCommand } from '../../cli/status';
import { memoryIo } from '../support/memory-io';
import { sampleResult } from '../support/sample-result';
import { failedProvisionHistory } from '../support/sfn-history';

const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:lambda-egress-provision:run-7';
const output = { json: false, quiet: false };

describe('lambda-egress status (mocked: Step Functions executions, moto does not run a definition)', () => {
  const sfn = mockClient(SFNClient);
  afterEach(() => sfn.reset());
  afterAll(() => sfn.restore());

  it('shows the steps with their times, the error and the rollback report of a failed execution, and exits 1', async () => {
    // GIVEN an execution whose probe failed and was rolled back
    const history = failedProvisionHistory();
    sfn.on(DescribeExecutionCommand, { executionArn: EXECUTION }).resolves({
      executionArn: EXECUTION,
      status: 'FAILED',
      startDate: new Date(0),
      stopDate: new Date(20_000),
      error: 'ProbeFailed',
      cause: history.at(-1)?.executionFailedEventDetails?.cause,
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: history });
    const io = memoryIo();
    // WHEN status is asked for
    const code = await statusCommand({ command: 'status', executionArn: EXECUTION, output }, io);
    // THEN
    expect(code).toBe(1);
    const text = io.out();
    expect(text).toContain(`FAILED  ${EXECUTION}`);
    expect(text).toMatch(/✔ ValidateRequest\s+1\.0 s/);
    expect(text).toMatch(/✔ EnsureVpc \(1 retry\)/);
    expect(text).toMatch(/✖ RunProbe\s+1\.0 s {2}ProbeFailed/);
    expect(text).toContain('✖ ProbeFailed: GET https://aws.amazon.com/ timed out after 3 s');
    expect(text).toMatch(/rolled back \(1 step\):\n\s+deleted\s+vpc vpc-0a1/);
    // the client went to the execution's own region
    expect(await sfn.call(0).thisValue.config.region()).toBe('eu-west-1');
  });

  it('shows the current step of a running execution and exits 0', async () => {
    const history = failedProvisionHistory().slice(0, 9); // up to EnsureVpc entered, not exited yet
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION, status: 'RUNNING', startDate: new Date(0) });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: history });
    const io = memoryIo();
    const code = await statusCommand({ command: 'status', executionArn: EXECUTION, output: { json: true, quiet: false } }, io);
    expect(code).toBe(0);
    const document = JSON.parse(io.out());
    expect(document).toMatchObject({ status: 'RUNNING', currentSteps: ['EnsureVpc'] });
    expect(document.steps.map((step: { name: string; status: string }) => [step.name, step.status])).toEqual([
      ['ValidateRequest', 'done'],
      ['EnsureVpc', 'running'],
    ]);
  });

  it('shows the result of a succeeded execution and exits 0', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION, status: 'SUCCEEDED', startDate: new Date(0), stopDate: new Date(90_000), output: JSON.stringify(sampleResult()) });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    const io = memoryIo();
    expect(await statusCommand({ command: 'status', executionArn: EXECUTION, output }, io)).toBe(0);
    expect(io.out()).toContain('✔ orders has internet egress through network "default" (vpc-0a1)');
  });
});
