import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { TAG_ADDED_ROUTES } from '../functions/shared/tags';
import { deleteNatAlarms, deleteProbeFunctions, findNatAlarms } from './managed-resource-grants';
import { deleteNatInstanceGroups } from './nat-instance-grants';
import { tagKeptAddresses } from './egress-ip-grants';
import { deleteNetworkParameters } from './network-parameter-grants';
import { alongsideManaged, ec2Describe, ec2OnManaged, markUserRouteTables, onMarkedRouteTables, type Grant } from './policy-builders';

/**
 * The undo engine's grants (functions/undo/undo-engine.ts), one definition for Rollback and TeardownNetwork:
 * deletes only what carries the managed tag, a route only in a table that carries lambda-egress's mark, NAT
 * alarms and probe functions tagged as lambda-egress's; detached Lambda ENIs only through the ENI cleanup role,
 * assumed with a session policy naming the network's subnets (assumeEniCleanupRole).
 */
export function undoEngineGrants(eniCleanupRoleArn: string, describes: readonly string[]): Grant[] {
  return [
    // The engine's own reads; Rollback adds those of its discovery of what a failed task left untracked.
    ec2Describe('DescribeNatGateways', 'DescribeRouteTables', 'DescribeInternetGateways', 'DescribeNetworkInterfaces', ...describes),
    ec2OnManaged(
      'UndoManagedNetwork',
      [
        'DeleteVpcEndpoints',
        'DeleteRoute',
        'DisassociateRouteTable',
        'DeleteRouteTable',
        'DeleteNatGateway',
        'ReleaseAddress',
        'DetachInternetGateway',
        'DeleteInternetGateway',
        'DeleteEgressOnlyInternetGateway',
        'DeleteSecurityGroup',
        'DeleteSubnet',
        'DeleteVpc',
        'DeleteLaunchTemplate',
        'DeleteNetworkInterface',
        'DeleteVpcBlockPublicAccessExclusion',
      ],
      ['vpc-endpoint', 'route-table', 'natgateway', 'elastic-ip', 'internet-gateway', 'egress-only-internet-gateway', 'security-group', 'subnet', 'vpc', 'launch-template', 'network-interface', 'vpc-block-public-access-exclusion'],
    ),
    deleteNatInstanceGroups(),
    // Both authorize against a second resource (Service Authorization Reference, Amazon EC2:
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html):
    // DetachInternetGateway the VPC, DisassociateRouteTable the subnet; in existing-VPC mode those are the user's.
    alongsideManaged('DetachManagedGatewayFromVpc', 'DetachInternetGateway', ['vpc']),
    alongsideManaged('DisassociateManagedTableFromSubnet', 'DisassociateRouteTable', ['subnet']),
    // A route lambda-egress added to a user's table: only where the table carries its mark, which then goes.
    onMarkedRouteTables('DeleteRoutesInMarkedTables', 'DeleteRoute', `ec2:DeleteRoute authorizes on the route table only; a user's table qualifies only while it carries ${TAG_ADDED_ROUTES}, set when lambda-egress added a route there`),
    markUserRouteTables('UnmarkUserRouteTables', ['ec2:CreateTags', 'ec2:DeleteTags'], true),
    assumeEniCleanupRole(eniCleanupRoleArn),
    // network.keepEgressIps: an address kept instead of released (Rollback: one a rebuild took again).
    tagKeptAddresses(),
    deleteProbeFunctions(),
    findNatAlarms(),
    deleteNatAlarms(),
    deleteNetworkParameters(),
  ];
}

/**
 * The undo engine holds no ec2:DeleteNetworkInterface itself: it assumes the ENI cleanup role with a session
 * policy allowing it only where `ec2:Subnet` is one of the network's subnets (functions/undo/eni-cleanup-session.ts).
 */
function assumeEniCleanupRole(eniCleanupRoleArn: string): Grant {
  return {
    statements: [new PolicyStatement({ sid: 'AssumeEniCleanupRole', actions: ['sts:AssumeRole'], resources: [eniCleanupRoleArn] })],
    why: 'no wildcard',
  };
}

