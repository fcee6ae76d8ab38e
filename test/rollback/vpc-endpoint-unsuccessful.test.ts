import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { SSMClient } from '@aws-sdk/client-ssm';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DeleteVpcEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { ledgerEntry } from '../../functions/shared/ledger';
import { runUndoPlan } from '../../functions/undo/undo-engine';

describe('DeleteVpcEndpoints reports a refusal in Unsuccessful[] with a 200 answer', () => {
  it("fails the undo step naming AWS's code instead of counting the endpoint deleted (mocked: moto 5.2.1 never answers Unsuccessful, and answers DeleteVpcEndpoints with an HTML 500)", async () => {
    // GIVEN DeleteVpcEndpoints answers 200 with the endpoint in Unsuccessful[] (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcEndpoints.html)
    const ec2 = new EC2Client({});
    const mocked = mockClient(ec2);
    mocked.on(DeleteVpcEndpointsCommand).resolves({ Unsuccessful: [{ ResourceId: 'vpce-0123456789abcdef0', Error: { Code: 'OperationNotPermitted', Message: 'refused' } }] });
    const clients = { ec2, lambda: new LambdaClient({}), cloudwatch: new CloudWatchClient({}), autoscaling: new AutoScalingClient({}), ssm: new SSMClient({}) };

    // WHEN the undo engine deletes it
    const pass = await runUndoPlan(clients, [ledgerEntry('vpc-endpoint', 'vpce-0123456789abcdef0')]);

    // THEN the step failed with AWS's code; it is not reported deleted
    expect(pass.steps).toEqual([]);
    expect(pass.failed).toEqual([{ kind: 'vpc-endpoint', id: 'vpce-0123456789abcdef0', error: expect.stringMatching(/^OperationNotPermitted: .*refused/) }]);
    mocked.restore();
  });
});
