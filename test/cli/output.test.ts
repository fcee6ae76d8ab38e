import { renderTopology } from '../../cli/diagram';
import { palette } from '../../cli/io';
import { causeMessage, exitCodeOf, formatFailure, formatSuccess, jsonOutcome, type RunOutcome } from '../../cli/output';
import { contractErrors } from './output-contract';
import { sampleResult } from '../support/sample-result';

const colors = palette(false);
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:lambda-egress-provision:demo';
const lambdaCause = (errorType: string, errorMessage: string) => JSON.stringify({ errorType, errorMessage });

const failed: RunOutcome = {
  mode: 'local',
  status: 'FAILED',
  executionArn: EXECUTION,
  error: 'NatGatewayFailed',
  cause: lambdaCause('NatGatewayFailed', 'NAT gateway nat-0aa failed: Gateway.NotAttached'),
  rollback: {
    executionId: EXECUTION,
    originalError: { Error: 'NatGatewayFailed' },
    steps: [
      { kind: 'function-vpc-config', id: 'arn:aws:lambda:us-east-1:123456789012:function:orders', outcome: 'restored' },
      { kind: 'nat-gateway', id: 'nat-0aa', outcome: 'deleted' },
      { kind: 'vpc', id: 'vpc-0a1', outcome: 'deleted' },
    ],
  },
};

describe('the outcome of a provision run', () => {
  it('exits 0 on success, 2 when the request was rejected, 1 on any other failure', () => {
    expect(exitCodeOf({ status: 'SUCCEEDED' })).toBe(0);
    expect(exitCodeOf({ status: 'FAILED', error: 'InvalidRequest' })).toBe(2);
    expect(exitCodeOf({ status: 'FAILED', error: 'ProbeFailed' })).toBe(1);
    expect(exitCodeOf({ status: 'FAILED', error: 'RollbackIncomplete' })).toBe(1);
    expect(exitCodeOf({ status: 'TIMED_OUT' })).toBe(1);
  });

  it('prints a success JSON document that the documented contract (cli/output.schema.json) accepts', () => {
    const result = sampleResult();
    const document = JSON.parse(JSON.stringify(jsonOutcome({ mode: 'aws', status: 'SUCCEEDED', executionArn: EXECUTION, result, durationMs: 1234 }, renderTopology(result))));
    expect(contractErrors(document)).toEqual([]);
    expect(document.result).toEqual(result);
  });

  it('prints a failure JSON document with the error, its message and the rollback report, which the contract accepts', () => {
    const document = JSON.parse(JSON.stringify(jsonOutcome(failed)));
    expect(contractErrors(document)).toEqual([]);
    expect(document.error).toEqual({ name: 'NatGatewayFailed', message: 'NAT gateway nat-0aa failed: Gateway.NotAttached', cause: failed.cause });
    expect(document.rollback.steps).toHaveLength(3);
  });

  it('fails the contract for a document missing what its status promises, so the contract test can fail', () => {
    expect(contractErrors({ status: 'SUCCEEDED', mode: 'local', executionArn: EXECUTION })).toContainEqual(expect.stringContaining("must have required property 'result'"));
    const broken = { ...sampleResult(), network: { ...sampleResult().network, vpcId: 'not-a-vpc' } };
    expect(contractErrors({ status: 'SUCCEEDED', mode: 'local', executionArn: EXECUTION, result: broken })).toEqual([expect.stringContaining('/result/network/vpcId')]);
  });

  it('tells a person what failed and what was rolled back', () => {
    const text = formatFailure(failed, colors).join('\n');
    expect(text).toContain('✖ NatGatewayFailed: NAT gateway nat-0aa failed: Gateway.NotAttached');
    expect(text).toContain('rolled back (3 steps):');
    expect(text).toMatch(/restored\s+function-vpc-config arn:aws:lambda:us-east-1:123456789012:function:orders/);
    expect(text).toMatch(/deleted\s+nat-gateway nat-0aa/);
    expect(text).toContain('Everything this execution created is gone');
  });

  it('says a rejected request created nothing, and an incomplete rollback needs a person', () => {
    const rejected = formatFailure({ mode: 'local', status: 'FAILED', executionArn: EXECUTION, error: 'InvalidRequest', cause: lambdaCause('InvalidRequest', 'network.cidr: 300.0.0.0/16 is not an IPv4 CIDR') }, colors);
    expect(rejected.join('\n')).toMatch(/InvalidRequest: network.cidr: 300.0.0.0\/16 is not an IPv4 CIDR[\s\S]*before anything was created/);
    const incomplete = formatFailure({ mode: 'aws', status: 'FAILED', executionArn: EXECUTION, error: 'RollbackIncomplete', cause: lambdaCause('ResourceStillInUse', 'Rollback is waiting on AWS: subnet subnet-1') }, colors);
    expect(incomplete.join('\n')).toMatch(/RollbackIncomplete: Rollback is waiting on AWS: subnet subnet-1[\s\S]*Delete them by hand/);
  });

  it('summarises a success: the function, its subnets and security group, the NATs, the probe and reachability verdicts', () => {
    const text = formatSuccess({ mode: 'aws', status: 'SUCCEEDED', executionArn: EXECUTION, result: sampleResult(), durationMs: 2_000, stateTransitions: 30 }, colors).join('\n');
    expect(text).toContain('✔ orders has internet egress through network "default" (vpc-0a1)');
    expect(text).toContain('private subnet-prv-a, subnet-prv-b');
    expect(text).toContain('nat-0aa (us-east-1a), nat-0bb (us-east-1b)');
    expect(text).toMatch(/probe:\s+PASS\s+GET https:\/\/aws.amazon.com\/ -> 200 in 142 ms/);
    expect(text).toMatch(/reachability:\s+PASS {2}2 subnets -> route table -> NAT gateway -> internet gateway; security group and network ACLs allow port 443/);
    expect(text).toContain('attached for the run; detached at the end');
    expect(text).toContain('2.0 s, 30 state transitions');
    // in local mode the probe line says no request left the emulator, and shows no made-up time
    const local = formatSuccess({ mode: 'local', status: 'SUCCEEDED', executionArn: EXECUTION, result: sampleResult() }, colors).join('\n');
    expect(local).toMatch(/probe:\s+PASS\s+GET https:\/\/aws.amazon.com\/ -> 200 \(answered through the emulator from the reachability verdict: no request was sent\)/);
  });

  it('tells what the move did not reach: the alias on an old version with its commands, the owning stack with its snippets', () => {
    // GIVEN a result whose function has alias live on version 3 (outside any VPC) and belongs to a CDK stack
    const noVpc = { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false };
    const result = sampleResult({ facts: { pinnedAliases: [{ alias: 'live', versions: ['3'] }], versionVpcConfigs: { '3': noVpc }, snapStartOnPublishedVersions: false, cloudFormation: { stackName: 'shop', logicalId: 'OrdersFn' } } });
    const outcome: RunOutcome = { mode: 'aws', status: 'SUCCEEDED', executionArn: EXECUTION, result };
    // WHEN it is printed
    const text = formatSuccess(outcome, colors).join('\n');
    // THEN the alias, the commands that move it, and how the stack's template names the network are there
    expect(text).toMatch(/attention:\s+alias live \(version 3\) still runs a published version without this egress/);
    expect(text).toContain('aws lambda update-alias --function-name orders --name live --function-version "$VERSION"');
    expect(text).toContain('resource OrdersFn of stack shop (CloudFormation or CDK)');
    expect(text).toMatch(/# CloudFormation:\n\s+Parameters:\n\s+EgressSubnetIds:\n\s+Type: AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>\n\s+Default: \/lambda-egress\/networks\/default\/private-subnet-ids/);
    expect(text).toMatch(/\/\/ CDK:\n\s+import \{ useNetwork \} from 'lambda-egress';\n\s+useNetwork\(fn, 'default'\);/);
    expect(text).toMatch(/# Terraform:\n\s+data "aws_ssm_parameter" "default_subnet_ids" \{/);
    // AND the JSON document carries them under the documented contract
    expect(contractErrors(jsonOutcome(outcome))).toEqual([]);
    expect(jsonOutcome(outcome).result?.function.notices.map((notice) => notice.kind)).toEqual(['published-versions', 'cloudformation-owned']);
  });

  it('shows a broken reachability hop with its fix, and a failed probe with its error', () => {
    const result = sampleResult();
    const broken = {
      ...result,
      probe: {
        passed: false,
        result: { url: 'https://aws.amazon.com/', ok: false, elapsedMs: 3004, error: { kind: 'timeout', message: 'no response within 3 s' } },
        reachability: { verdict: 'FAIL', hop: 'default-route', subnetId: 'subnet-prv-a', explanation: 'subnet-prv-a has no 0.0.0.0/0 route', fix: 'add 0.0.0.0/0 -> a NAT gateway', port: 443, paths: [] },
      },
    };
    const text = formatSuccess({ mode: 'aws', status: 'SUCCEEDED', executionArn: EXECUTION, result: broken }, colors).join('\n');
    expect(text).toMatch(/probe:\s+FAIL\s+GET https:\/\/aws.amazon.com\/ in 3.0 s \(timeout: no response within 3 s\)/);
    expect(text).toMatch(/reachability:\s+FAIL {2}at default-route of subnet-prv-a: subnet-prv-a has no 0.0.0.0\/0 route\n\s{19}fix: add 0.0.0.0\/0 -> a NAT gateway/);
  });

  it("reads Lambda's JSON cause, and takes any other cause as it is", () => {
    expect(causeMessage(lambdaCause('X', 'the message'))).toBe('the message');
    expect(causeMessage('The NAT gateways were still pending after 40 checks')).toBe('The NAT gateways were still pending after 40 checks');
    expect(causeMessage(undefined)).toBe('');
  });
});
