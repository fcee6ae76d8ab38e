import { EC2Client } from '@aws-sdk/client-ec2';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { requiredEnvironment } from '../shared/environment';

/** The environment variable the stack sets on Rollback and TeardownNetwork: the ENI cleanup role's ARN. */
export const ENI_CLEANUP_ROLE_ENV = 'ENI_CLEANUP_ROLE_ARN';

/** An EC2 client allowed to delete network interfaces only in the given subnets (and nothing else). */
export type EniCleanupClient = (subnetIds: readonly string[]) => Promise<EC2Client>;

/**
 * The session policy that narrows the cleanup role to the network's own subnets. DeleteNetworkInterface
 * authorizes on the network-interface resource with the condition key `ec2:Subnet`, the ARN of the interface's
 * subnet (Service Authorization Reference, Amazon EC2:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html). The subnet ids exist
 * only at run time, so no policy of the stack can name them; a session policy passed to AssumeRole can, and the
 * session's permissions are the intersection of the role's policy and it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session).
 */
export function eniCleanupSessionPolicy(subnetArns: readonly string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'DeleteEnisInOwnSubnets', Effect: 'Allow', Action: 'ec2:DeleteNetworkInterface', Resource: '*', Condition: { ArnEquals: { 'ec2:Subnet': [...subnetArns] } } }],
  });
}

/** `arn:<partition>:ec2:<region>:<account>:subnet/<id>`, in the account of the cleanup role (the stack's). */
function subnetArnsOf(roleArn: string, region: string, subnetIds: readonly string[]): string[] {
  const [, partition, , , account] = roleArn.split(':');
  if (!partition || !account) throw new Error(`${ENI_CLEANUP_ROLE_ENV} is not a role ARN: ${roleArn}`);
  return subnetIds.map((id) => `arn:${partition}:ec2:${region}:${account}:subnet/${id}`);
}

/**
 * Assumes the cleanup role (role ARN from ENI_CLEANUP_ROLE_ARN) with the session policy for these subnets, and
 * returns an EC2 client on those credentials: the only client the undo engine deletes interfaces with. The
 * endpoint, retries and region come from the environment as for every client (AWS_ENDPOINT_URL).
 */
export function eniCleanupFromEnvironment(env: NodeJS.ProcessEnv = process.env): EniCleanupClient {
  return async (subnetIds) => {
    // Read when a sweep needs it, not at cold start: local runs and tests create the role per account after loading the task.
    const roleArn = requiredEnvironment(ENI_CLEANUP_ROLE_ENV, "the stack passes Rollback and TeardownNetwork the role that may delete the network's detached Lambda ENIs", env);
    const region = await new EC2Client({}).config.region();
    const credentials = fromTemporaryCredentials({
      params: { RoleArn: roleArn, RoleSessionName: 'lambda-egress-eni-cleanup', DurationSeconds: 900, Policy: eniCleanupSessionPolicy(subnetArnsOf(roleArn, region, subnetIds)) },
    });
    return new EC2Client({ credentials });
  };
}
