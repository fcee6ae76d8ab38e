import type { TaskName } from '../../functions/shared/task-registry';
import { networkParameterName } from '../../functions/shared/network-parameters';
import { ACCOUNT, REGION, type IamRequest } from './iam/iam-requests';
import { evaluate } from './iam/simulate';
import { parameterArn } from './iam/ssm-requests';
import { synthesizedTaskRoles } from './iam/task-roles';

/**
 * The network parameters' grants (infra/network-parameter-grants.ts) as AWS would judge them (iam-simulate, see
 * iam-simulation.test.ts, whose recorded paths judge the calls the workflow makes): allowed under
 * /lambda-egress/networks/, denied for any other parameter, and only to the tasks that publish or delete them.
 */
const roles = synthesizedTaskRoles();
const on = (action: string, resource: string): IamRequest => ({ action: `ssm:${action}`, resourceType: 'parameter', resource, context: {}, why: 'the parameter named' });
const OURS = parameterArn(networkParameterName('payments', 'privateSubnetIds'));
const ELSEWHERE = [
  parameterArn('/prod/database/password'),
  parameterArn('/lambda-egress/settings'),
  parameterArn('lambda-egress-networks-payments'),
  `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter${networkParameterName('payments', 'vpcId')}`,
  `arn:aws:ssm:${REGION}:210987654321:parameter${networkParameterName('payments', 'vpcId')}`,
];
const PUBLISH = ['GetParameters', 'ListTagsForResource', 'PutParameter', 'AddTagsToResource'];

/** Allowed, or a request the simulation could not judge (which must not pass as a denial). */
const notDenied = (verdict: string): boolean => !/: (Implicitly|Explicitly)Denied$/.test(verdict);

async function verdicts(task: TaskName, actions: readonly string[], resource: string): Promise<string[]> {
  return Promise.all(actions.map(async (action) => `${task} ssm:${action} ${resource}: ${await evaluate(roles[task], on(action, resource))}`));
}

describe("IAM simulation: the network parameters, only under /lambda-egress/networks/ of the stack's account and region", () => {
  it('allows RecordMembership to read, create, tag and overwrite them, and Rollback and TeardownNetwork to delete them', async () => {
    const found = [...(await verdicts('RecordMembership', PUBLISH, OURS)), ...(await verdicts('Rollback', ['DeleteParameter'], OURS)), ...(await verdicts('TeardownNetwork', ['DeleteParameter'], OURS))];
    expect(found.filter((verdict) => !verdict.endsWith(': Allowed'))).toEqual([]);
  });

  it('fails for those same tasks on any other parameter (another path, another region, another account)', async () => {
    const allowed: string[] = [];
    for (const resource of ELSEWHERE) {
      const found = [...(await verdicts('RecordMembership', [...PUBLISH, 'DeleteParameter'], resource)), ...(await verdicts('Rollback', ['DeleteParameter', 'PutParameter'], resource)), ...(await verdicts('TeardownNetwork', ['DeleteParameter'], resource))];
      allowed.push(...found.filter(notDenied));
    }
    expect(allowed).toEqual([]);
  });

  it('gives no other task any of them, and RecordMembership no delete', async () => {
    const allowed: string[] = [];
    for (const task of Object.keys(roles) as Array<TaskName | 'EniCleanup'>) {
      if (task === 'EniCleanup') continue;
      const actions = task === 'RecordMembership' ? ['DeleteParameter'] : task === 'Rollback' || task === 'TeardownNetwork' ? PUBLISH : [...PUBLISH, 'DeleteParameter'];
      allowed.push(...(await verdicts(task, actions, OURS)).filter(notDenied));
    }
    expect(allowed).toEqual([]);
  });
});
