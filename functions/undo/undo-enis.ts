import { DeleteNetworkInterfaceCommand, DescribeNatGatewaysCommand, paginateDescribeNetworkInterfaces, type EC2Client, type NetworkInterface } from '@aws-sdk/client-ec2';
import { awsErrorName, isNotFound, undefinedWhenNotFound } from '../shared/errors';
import { allPages } from '../shared/paginate';
import type { EniCleanupClient } from './eni-cleanup-session';
import { LAMBDA_ENI_DESCRIPTION_PREFIX } from './lambda-eni';
import { StillInUse } from './still-in-use';
import type { RollbackOutcome } from './types';


interface NetworkInterfaceStep {
  readonly id: string;
  readonly undo: () => Promise<RollbackOutcome>;
}

/** Lambda's own ENIs: the description Lambda gives them, and requested by Lambda (never a user's instance). */
function isLambdaNetworkInterface(eni: NetworkInterface): boolean {
  return (eni.Description ?? '').startsWith(LAMBDA_ENI_DESCRIPTION_PREFIX) && (eni.InterfaceType === undefined || eni.InterfaceType === 'lambda' || eni.InterfaceType === 'interface');
}

/**
 * The network interfaces left in our subnets or our security groups, each as an undo step. Subnets and
 * security groups cannot be deleted while interfaces remain (DependencyViolation), and Lambda's Hyperplane
 * ENIs linger for up to 20 minutes after the last function using them left (aws-support-tools PR #174;
 * https://repost.aws/knowledge-center/lambda-eni-find-delete). Like Terraform's cleanup of lingering Lambda
 * ENIs before deleting a subnet or security group, a Lambda ENI that is `available` (detached) in one of our
 * subnets is deleted; one still `in-use` is waited for (StillInUse: the caller's bounded loop looks again);
 * an interface that is not Lambda's, or is outside our subnets, is never deleted: it is reported instead.
 * The deletions go through `cleanup`'s client only: the cleanup role narrowed by a session policy to these
 * subnets (eni-cleanup-session.ts), so IAM refuses an interface elsewhere too; it is assumed once per sweep,
 * and only when there is something to delete.
 */
export async function sweepLambdaNetworkInterfaces(
  ec2: EC2Client,
  scope: { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[]; readonly natGatewayIds?: readonly string[] },
  cleanup: EniCleanupClient,
): Promise<NetworkInterfaceStep[]> {
  const found = new Map<string, NetworkInterface>();
  const describe = async (name: string, values: readonly string[]) => {
    if (values.length === 0) return;
    const enis = await allPages(paginateDescribeNetworkInterfaces({ client: ec2 }, { Filters: [{ Name: name, Values: [...values] }] }), (page) => page.NetworkInterfaces);
    for (const eni of enis) if (eni.NetworkInterfaceId) found.set(eni.NetworkInterfaceId, eni);
  };
  await describe('subnet-id', scope.subnetIds);
  await describe('group-id', scope.securityGroupIds);
  // A NAT gateway's own interface goes with the NAT (deleted before this sweep), as AWS deletes it.
  for (const id of await natGatewayInterfaces(ec2, scope.natGatewayIds ?? [])) found.delete(id);
  const ourSubnets = new Set(scope.subnetIds);
  let deleter: Promise<EC2Client> | undefined;
  const deleterClient = () => (deleter ??= cleanup(scope.subnetIds));
  return [...found.values()]
    .sort((a, b) => (a.NetworkInterfaceId ?? '').localeCompare(b.NetworkInterfaceId ?? ''))
    .map((eni) => ({ id: eni.NetworkInterfaceId ?? '', undo: () => undoNetworkInterface(deleterClient, eni, ourSubnets) }));
}

async function natGatewayInterfaces(ec2: EC2Client, natGatewayIds: readonly string[]): Promise<string[]> {
  if (natGatewayIds.length === 0) return [];
  const described = await undefinedWhenNotFound(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [...natGatewayIds] })));
  return (described?.NatGateways ?? []).flatMap((nat) => (nat.NatGatewayAddresses ?? []).map((address) => address.NetworkInterfaceId ?? '')).filter(Boolean);
}

async function undoNetworkInterface(deleter: () => Promise<EC2Client>, eni: NetworkInterface, ourSubnets: ReadonlySet<string>): Promise<RollbackOutcome> {
  const id = eni.NetworkInterfaceId ?? '';
  const where = `subnet ${eni.SubnetId ?? '?'}, groups ${(eni.Groups ?? []).map((group) => group.GroupId).join(' ') || 'none'}`;
  if (!isLambdaNetworkInterface(eni) && eni.RequesterManaged) {
    throw new StillInUse(`network interface ${id} (${where}) is managed by an AWS service (${eni.InterfaceType ?? 'unknown type'}), which deletes it`);
  }
  if (!isLambdaNetworkInterface(eni)) {
    throw new Error(
      `network interface ${id} (${where}, "${eni.Description ?? ''}") is not one of Lambda's and was not created by lambda-egress: it is never deleted here; delete or move it, then run the teardown again`,
    );
  }
  if (eni.Status !== 'available') {
    throw new StillInUse(`Lambda ENI ${id} is ${eni.Status ?? 'unknown'} (${where}): Lambda releases it up to ~20 minutes after the last function using it left`);
  }
  if (!eni.SubnetId || !ourSubnets.has(eni.SubnetId)) {
    throw new StillInUse(`detached Lambda ENI ${id} is in ${where}, not in one of our subnets: Lambda deletes it, lambda-egress does not`);
  }
  try {
    await (await deleter()).send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }));
    return 'deleted';
  } catch (error) {
    if (isNotFound(error)) return 'already-gone';
    if (awsErrorName(error) === 'InvalidNetworkInterface.InUse') throw new StillInUse(`Lambda ENI ${id} was attached again (${where})`);
    throw error;
  }
}
