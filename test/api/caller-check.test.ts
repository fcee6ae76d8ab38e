import { GetRoleCommand, IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { CreateStateMachineCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { CHECKED_ACTION } from '../../functions/api/caller-check';
import { startCheckedRequest } from '../../functions/api/start-checked';
import { emulator } from '../../local/test-support/emulator-control';

/**
 * The caller check before StartExecution: IAM's answer to SimulatePrincipalPolicy is mocked (moto evaluates no
 * IAM and does not serve SimulatePrincipalPolicy); Step Functions is moto's, so "no execution on deny" is what
 * moto recorded.
 */
const sfn = new SFNClient({});
const ROLE_ARN = 'arn:aws:iam::123456789012:role/teams/team-b-catalog';
const SESSION = 'arn:aws:sts::123456789012:assumed-role/team-b-catalog/bob';
const requestedBy = { via: 'api', principal: SESSION, caller: 'AROAEXAMPLE:bob', accountId: '123456789012' } as const;

function iamAnswering(decision: 'allowed' | 'implicitDeny' | 'explicitDeny') {
  const mocked = mockClient(IAMClient);
  mocked.on(GetRoleCommand, { RoleName: 'team-b-catalog' }).resolves({ Role: { Arn: ROLE_ARN, RoleName: 'team-b-catalog', Path: '/teams/', RoleId: 'AROAEXAMPLE', CreateDate: new Date() } });
  mocked.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: CHECKED_ACTION, EvalDecision: decision }] });
  return mocked;
}

describe('POST /requests: the caller must be allowed to change the function themselves', () => {
  let stateMachineArn: string;
  let functionArn: string;
  beforeEach(async () => {
    const account = await emulator.freshAccount();
    stateMachineArn =
      (await sfn.send(new CreateStateMachineCommand({ name: 'lambda-egress-provision', roleArn: `arn:aws:iam::${account}:role/states`, definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }) })))
        .stateMachineArn ?? '';
    functionArn = `arn:aws:lambda:us-east-1:${account}:function:team-a-orders`;
  });
  const executions = async () => (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
  const post = (iam: IAMClient, key: string) => startCheckedRequest({ sfn, iam }, stateMachineArn, { idempotencyKey: key, body: JSON.stringify({ functionName: 'team-a-orders' }), requestedBy });

  it('starts the workflow when IAM says the caller may update the function (mocked: allowed), asking for the role behind the session', async () => {
    const mocked = iamAnswering('allowed');
    const answer = await post(new IAMClient({}), 'order-8001');
    expect(answer.statusCode).toBe(202);
    expect(mocked.commandCalls(SimulatePrincipalPolicyCommand).map((call) => call.args[0].input)).toEqual([{ PolicySourceArn: ROLE_ARN, ActionNames: [CHECKED_ACTION], ResourceArns: [functionArn] }]);
    expect((await executions()).map((execution) => execution.name)).toEqual(['order-8001']);
    mocked.restore();
  });

  it.each(['implicitDeny', 'explicitDeny'] as const)('fails with 403 naming the action and the function, and starts no execution (mocked: %s)', async (decision) => {
    const mocked = iamAnswering(decision);
    const answer = await post(new IAMClient({}), 'order-8002');
    expect(answer).toEqual({
      statusCode: 403,
      body: {
        message: `${SESSION} may not lambda:UpdateFunctionConfiguration on ${functionArn} itself (IAM policy simulation of ${ROLE_ARN}: ${decision}), and lambda-egress changes a function only for a caller who could change it: ask for that permission, or have the function's owner make the request`,
        action: 'lambda:UpdateFunctionConfiguration',
        functionArn,
        principal: ROLE_ARN,
        decision,
      },
    });
    expect(await executions()).toEqual([]);
    mocked.restore();
  });

  it('fails with 403 for a caller IAM cannot simulate (a federated user), without asking IAM (mocked: no call expected)', async () => {
    const mocked = iamAnswering('allowed');
    const answer = await startCheckedRequest({ sfn, iam: new IAMClient({}) }, stateMachineArn, {
      idempotencyKey: 'order-8003',
      body: JSON.stringify({ functionName: functionArn }),
      requestedBy: { via: 'api', principal: 'arn:aws:sts::123456789012:federated-user/carol' },
    });
    expect(answer.statusCode).toBe(403);
    expect(answer.body.message).toMatch(/is neither an IAM user nor an assumed role/);
    expect(mocked.commandCalls(SimulatePrincipalPolicyCommand)).toEqual([]);
    expect(await executions()).toEqual([]);
    mocked.restore();
  });

  it('asks nothing of IAM when the stack turned the check off (no IAM client), and starts the workflow', async () => {
    const answer = await startCheckedRequest({ sfn }, stateMachineArn, { idempotencyKey: 'order-8004', body: JSON.stringify({ functionName: 'team-a-orders' }), requestedBy });
    expect(answer.statusCode).toBe(202);
  });
});
