import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { HistoryReader } from '../../functions/api/execution-history';
import { followExecution, resolveStateMachineArn, startExecution, StateMachineNotFound } from '../../cli/aws-mode';
import { exitCodeOf } from '../../cli/output';
import { runCommand } from '../../cli/run';
import type { StepEvent } from '../../cli/steps';
import { emulator } from '../../local/test-support/emulator-control';
import { memoryIo } from '../support/memory-io';
import { sampleResult } from '../support/sample-result';
import { failedProvisionHistory } from '../support/sfn-history';

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:lambda-egress-provision';

describe('AWS mode', () => {
  beforeAll(async () => {
    await emulator.freshAccount();
  });

  it('finds the state machine from the stack output, after --state-machine-arn and LAMBDA_EGRESS_STATE_MACHINE_ARN', async () => {
    // GIVEN a deployed stack with the StateMachineArn output (CloudFormation in moto)
    const cfn = new CloudFormationClient({});
    await cfn.send(
      new CreateStackCommand({
        StackName: 'LambdaEgress',
        TemplateBody: JSON.stringify({ Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } }, Outputs: { StateMachineArn: { Value: STATE_MACHINE } } }),
      }),
    );
    // THEN the flag wins, then the environment, then the stack
    expect(await resolveStateMachineArn(cfn, { stateMachineArn: 'arn:flag' }, { LAMBDA_EGRESS_STATE_MACHINE_ARN: 'arn:env' })).toBe('arn:flag');
    expect(await resolveStateMachineArn(cfn, {}, { LAMBDA_EGRESS_STATE_MACHINE_ARN: 'arn:env' })).toBe('arn:env');
    expect(await resolveStateMachineArn(cfn, {}, {})).toBe(STATE_MACHINE);
  });

  it('fails to find a stack that is not deployed, saying how to deploy or point elsewhere', async () => {
    const cfn = new CloudFormationClient({});
    const lookup = resolveStateMachineArn(cfn, { stackName: 'NotDeployed' }, {});
    await expect(lookup).rejects.toBeInstanceOf(StateMachineNotFound);
    await expect(resolveStateMachineArn(cfn, { stackName: 'NotDeployed' }, {})).rejects.toThrow(/No stack named NotDeployed.*npx cdk deploy.*--state-machine-arn/);
  });

  it('starts an execution with the request as its input and the chosen name', async () => {
    const sfn = new SFNClient({});
    const machine = await sfn.send(
      new CreateStateMachineCommand({ name: 'provision', roleArn: 'arn:aws:iam::123456789012:role/sfn', definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }) }),
    );
    const executionArn = await startExecution(sfn, machine.stateMachineArn!, { functionName: 'orders', network: { name: 'shared' } }, 'orders-1');
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(executionArn).toMatch(/:execution:provision:orders-1$/);
    expect(JSON.parse(described.input ?? '')).toEqual({ functionName: 'orders', network: { name: 'shared' } });
  });

  it("reads Step Functions' history: Lambda failures attributed to their state, a retry, the caught failure, the rollback report", () => {
    // GIVEN the history of a provision whose probe failed
    const reader = new HistoryReader();
    const history = failedProvisionHistory();
    // WHEN it is read in two pages, the second overlapping the first
    const events = [...reader.read(history.slice(0, 12)), ...reader.read(history)];
    // THEN each step appears once per transition, Choice states are left out
    expect(events.map((event) => `${event.kind}:${event.step}${event.kind === 'failed' ? `:${event.error}` : ''}`)).toEqual([
      'entered:ValidateRequest',
      'exited:ValidateRequest',
      'entered:EnsureVpc',
      'failed:EnsureVpc:ThrottlingException',
      'retried:EnsureVpc',
      'exited:EnsureVpc',
      'entered:RunProbe',
      'failed:RunProbe:ProbeFailed',
      'exited:RunProbe',
      'entered:Rollback',
      'exited:Rollback',
    ]);
    expect(reader.rollback()?.steps).toEqual([{ kind: 'vpc', id: 'vpc-0a1', outcome: 'deleted' }]);
  });

  it('follows an execution until it stops, reporting steps as they come (mocked: Step Functions executions, moto does not run a definition)', async () => {
    // GIVEN an execution that is running on the first poll and failed on the second
    const sfnMock = mockClient(SFNClient);
    try {
      const history = failedProvisionHistory();
      const executionArn = `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:run-1`;
      sfnMock
        .on(DescribeExecutionCommand)
        .resolvesOnce({ executionArn, status: 'RUNNING', startDate: new Date(0) })
        .resolves({ executionArn, status: 'FAILED', startDate: new Date(0), stopDate: new Date(20_000), error: 'ProbeFailed', cause: history.at(-1)?.executionFailedEventDetails?.cause });
      sfnMock.on(GetExecutionHistoryCommand).resolvesOnce({ events: history.slice(0, 8) }).resolves({ events: history });
      const seen: StepEvent[] = [];
      const sleeps: number[] = [];
      // WHEN the CLI follows it
      const outcome = await followExecution(new SFNClient({}), executionArn, {
        onStep: (event) => seen.push(event),
        pollMs: 1_500,
        sleep: async (ms) => void sleeps.push(ms),
      });
      // THEN it polled once more after the first look, saw every step once, and ended with the rollback report
      expect(sleeps).toEqual([1_500]);
      expect(seen.filter((event) => event.kind === 'entered').map((event) => event.step)).toEqual(['ValidateRequest', 'EnsureVpc', 'RunProbe', 'Rollback']);
      expect(outcome).toMatchObject({ mode: 'aws', status: 'FAILED', error: 'ProbeFailed', durationMs: 20_000, rollback: { steps: [{ id: 'vpc-0a1' }] } });
      expect(exitCodeOf(outcome)).toBe(1);
    } finally {
      sfnMock.restore();
    }
  });

  it('rejects a request the schema refuses before starting any execution, exit 2 naming the field', async () => {
    await emulator.clearCalls();
    const io = memoryIo();
    const code = await runCommand(
      {
        command: 'provision',
        request: { functionName: 'orders', probeUrl: 'ftp://example.com/', singleNat: false, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false },
        target: { local: false, demo: false, stateMachineArn: STATE_MACHINE },
        output: { json: false, quiet: false },
      },
      io,
    );
    expect(code).toBe(2);
    expect(io.err()).toMatch(/✖ InvalidRequest: probe\.url/);
    expect(io.err()).not.toContain('execution:');
    expect((await emulator.calls()).filter((call) => call.service === 'states')).toEqual([]);
  });

  it('provisions on AWS: stack output -> StartExecution -> follow -> the result (mocked: Step Functions executions, moto does not run a definition)', async () => {
    // GIVEN the deployed stack (CloudFormation in moto) and an execution that succeeds
    const sfnMock = mockClient(SFNClient);
    try {
      const executionArn = `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:orders-2`;
      sfnMock.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date(0) });
      sfnMock.on(DescribeExecutionCommand).resolves({ executionArn, status: 'SUCCEEDED', startDate: new Date(0), stopDate: new Date(95_000), output: JSON.stringify(sampleResult()) });
      sfnMock.on(GetExecutionHistoryCommand).resolves({ events: failedProvisionHistory().slice(0, 6) });
      const io = memoryIo();
      // WHEN
      const code = await runCommand(
        {
          command: 'provision',
          request: { functionName: 'orders', network: 'shop', singleNat: true, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false },
          target: { local: false, demo: false },
          output: { json: false, quiet: false },
          executionName: 'orders-2',
        },
        io,
      );
      // THEN the execution of the stack's state machine got the request, and its result is shown
      expect([code, io.err()]).toEqual([0, '']);
      expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
        stateMachineArn: STATE_MACHINE,
        name: 'orders-2',
        input: JSON.stringify({ functionName: 'orders', network: { name: 'shop', natGateways: 'single' } }),
      });
      expect(io.out()).toContain(`Started ${executionArn}`);
      expect(io.out()).toMatch(/✔ ValidateRequest/);
      expect(io.out()).toContain('✔ orders has internet egress through network "default" (vpc-0a1)');
      expect(io.out()).toMatch(/execution:\s+\S+:orders-2 {2}\(1 min 35 s\)/);
      expect(io.out()).not.toContain('Local mode');
    } finally {
      sfnMock.restore();
    }
  });
});
