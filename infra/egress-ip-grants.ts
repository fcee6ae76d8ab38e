import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { TAG_KEPT_AZ, TAG_KEPT_FOR, TAG_KEPT_SET } from '../functions/shared/kept-egress-ips';
import { TAG_MANAGED } from '../functions/shared/tags';
import { ec2AddTo, ec2Arn, MANAGED_RESOURCE_CONDITION, type Grant } from './policy-builders';

/**
 * A NAT instance's address (functions/network/ensure-nat-instance.ts): AssociateAddress authorizes on the Elastic
 * IP and on the network interface (Service Authorization Reference, Amazon EC2:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html). The address may be the
 * user's own (network.eipAllocationIds), which lambda-egress never tags; the interface must be lambda-egress's.
 * Associating changes nothing of the address itself, and without AllowReassociation AWS refuses one in use.
 */
export function associateAddressWithManagedEni(): Grant {
  return ec2AddTo('AssociateAnyAddressWithManagedEni', 'AssociateAddress', ['elastic-ip'], ['network-interface']);
}

/**
 * network.keepEgressIps: the undo engine tags an Elastic IP it keeps instead of releasing it
 * (functions/undo/keep-address.ts): only addresses lambda-egress allocated (its managed tag), and only the kept
 * tags (aws:TagKeys), so no other tag of any address can be set or overwritten.
 */
export function tagKeptAddresses(): Grant {
  return {
    statements: [
      new PolicyStatement({
        sid: 'TagKeptManagedAddresses',
        actions: ['ec2:CreateTags'],
        resources: [ec2Arn('elastic-ip')],
        conditions: {
          ...MANAGED_RESOURCE_CONDITION,
          'ForAllValues:StringEquals': { 'aws:TagKeys': [TAG_KEPT_FOR, TAG_KEPT_AZ, TAG_KEPT_SET] },
          Null: { 'aws:TagKeys': 'false' },
        },
      }),
    ],
    why: `the Elastic IPs kept are known only at run time; aws:ResourceTag/${TAG_MANAGED} limits them to lambda-egress's, aws:TagKeys the call to the kept tags`,
  };
}
