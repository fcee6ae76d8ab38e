import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { executionArnOf } from '../../functions/api/requests';
import { requestStatus } from '../../functions/api/status';
import type { ProvisionResult } from '../../functions/report/types';
import { sampleResult } from '../support/sample-result';

/**
 * GET /requests/{id} answers a succeeded request with the state machine's output, ReportResult's contract. moto
 * records executions but runs no definition, so the execution is mocked; its output is what the real
 * ReportResult builds (test/support/sample-result.ts).
 */
describe('GET /requests/{id} of a succeeded request (mocked: Step Functions execution)', () => {
  let mocked: ReturnType<typeof mockClient>;
  beforeAll(() => {
    mocked = mockClient(SFNClient);
  });
  afterAll(() => mocked.restore());

  it('answers the egress IPs of the result, per AZ, as ReportResult put them in the output', async () => {
    // GIVEN a succeeded execution whose output is ReportResult's, with two NAT gateways' addresses
    const machine = 'arn:aws:states:us-east-1:123456789012:stateMachine:provision';
    const executionArn = executionArnOf(machine, 'order-4001');
    const result: ProvisionResult = sampleResult();
    expect(result.network.egressIps).toEqual(['203.0.113.9', '203.0.113.10']);
    mocked.on(DescribeExecutionCommand, { executionArn }).resolves({ executionArn, status: 'SUCCEEDED', startDate: new Date(0), stopDate: new Date(9_000), output: JSON.stringify(result) });
    mocked.on(GetExecutionHistoryCommand).resolves({ events: [] });

    // WHEN the catalog asks for the request
    const answer = await requestStatus(new SFNClient({}), machine, 'order-4001');

    // THEN the answer's result names the addresses, sorted numerically, and each with its AZ and NAT gateway
    expect(answer.statusCode).toBe(200);
    const network = (answer.body.result as ProvisionResult).network;
    expect(network.egressIps).toEqual(['203.0.113.9', '203.0.113.10']);
    expect(network.egress.addresses.map((address) => [address.az, address.natId, address.publicIp])).toEqual([
      ['us-east-1a', 'nat-0aa', '203.0.113.10'],
      ['us-east-1b', 'nat-0bb', '203.0.113.9'],
    ]);
  });
});
