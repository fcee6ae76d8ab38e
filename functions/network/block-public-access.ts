import {
  DescribeVpcBlockPublicAccessExclusionsCommand,
  DescribeVpcBlockPublicAccessOptionsCommand,
  type EC2Client,
  type VpcBlockPublicAccessExclusion,
} from '@aws-sdk/client-ec2';
import { InvalidRequest } from '../shared/errors';
import { logger } from '../shared/logger';
import type { NatGatewayMode } from '../shared/types';
import { modesThat } from './nat-choices';
import { natModeOf } from './nat-modes';

/**
 * VPC Block Public Access (Amazon VPC User Guide, "Block public access to VPCs and subnets":
 * https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa.html; the modes as the EC2 API reference
 * gives them: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcBlockPublicAccessOptions.html):
 *   - `block-bidirectional` blocks all traffic through internet gateways and egress-only internet gateways, NAT
 *     gateways' included, except for excluded VPCs and subnets;
 *   - `block-ingress` lets only NAT gateways and egress-only internet gateways through: a NAT instance, reached
 *     through the internet gateway like any instance, is blocked.
 * Built anyway, the network is billed and the probe times out; so the request is refused before anything exists.
 */
interface BlockPublicAccess {
  readonly mode: 'off' | 'block-bidirectional' | 'block-ingress';
  readonly exclusionsAllowed: boolean;
  readonly exclusions: readonly VpcBlockPublicAccessExclusion[];
}

/** States of an exclusion that is (or is about to be) in force. */
const LIVE_EXCLUSION = new Set(['create-in-progress', 'create-complete', 'update-in-progress', 'update-complete']);

/**
 * The account's BPA setting in this Region and its exclusions. Undefined when the endpoint does not serve the
 * API at all (a plain moto server in AWS_ENDPOINT_URL answers HTML, which is no AWS answer): AWS errors, throttling
 * and transient ones included, are thrown unchanged.
 */
export async function readBlockPublicAccess(ec2: EC2Client): Promise<BlockPublicAccess | undefined> {
  try {
    const options = (await ec2.send(new DescribeVpcBlockPublicAccessOptionsCommand({}))).VpcBlockPublicAccessOptions;
    const mode = (options?.InternetGatewayBlockMode ?? 'off') as BlockPublicAccess['mode'];
    const exclusionsAllowed = options?.ExclusionsAllowed !== 'not-allowed';
    if (mode === 'off') return { mode, exclusionsAllowed, exclusions: [] };
    const exclusions: VpcBlockPublicAccessExclusion[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ec2.send(new DescribeVpcBlockPublicAccessExclusionsCommand({ MaxResults: 1000, ...(nextToken ? { NextToken: nextToken } : {}) }));
      exclusions.push(...(page.VpcBlockPublicAccessExclusions ?? []).filter((exclusion) => LIVE_EXCLUSION.has(exclusion.State ?? '')));
      nextToken = page.NextToken;
    } while (nextToken);
    return { mode, exclusionsAllowed, exclusions };
  } catch (error) {
    if (isNotAnAwsAnswer(error)) {
      logger.warn('VPC Block Public Access could not be read: the endpoint does not serve it (an emulator?); not checked', { error: (error as Error).message.slice(0, 200) });
      return undefined;
    }
    throw error;
  }
}

/** The SDK could not parse the answer as EC2's XML at all: no AWS error code, a 5xx of HTML. */
function isNotAnAwsAnswer(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error instanceof Error && error.name === 'Error' && status !== undefined && status >= 500 && /Deserialization error/.test(error.message);
}

/** The exclusion of `vpcId` itself (its ARN ends in vpc/<id>), or of a subnet among `subnetIds`. */
function exclusionOf(bpa: BlockPublicAccess, vpcId: string | undefined, subnetIds: readonly string[]): VpcBlockPublicAccessExclusion | undefined {
  const ids = [...(vpcId ? [`vpc/${vpcId}`] : []), ...subnetIds.map((id) => `subnet/${id}`)];
  return bpa.exclusions.find((exclusion) => ids.some((id) => exclusion.ResourceArn?.endsWith(`:${id}`)));
}

/**
 * Refuses an egress path BPA blocks. `vpcId`: the existing VPC (undefined: a VPC not created yet, which no
 * exclusion can name); `subnetIds`: its subnets, whose exclusions count as well.
 */
export function checkBlockPublicAccess(
  bpa: BlockPublicAccess | undefined,
  request: { readonly natGateways: NatGatewayMode; readonly vpcId?: string; readonly subnetIds?: readonly string[]; readonly region: string; readonly exclusionRequested?: boolean },
): void {
  if (!bpa || bpa.mode === 'off') return;
  const exclusion = exclusionOf(bpa, request.vpcId, request.subnetIds ?? []);
  // network.blockPublicAccessExclusion (a network's own VPC only): EnsureVpc creates the allow-egress exclusion.
  if (bpa.mode === 'block-bidirectional' && !exclusion && bpa.exclusionsAllowed && request.exclusionRequested) return;
  // A NAT instance is an instance in a public subnet: its traffic goes out through the internet gateway as its own.
  const throughInternetGateway = natModeOf(request.natGateways).target === 'nat-instance';
  const blocked =
    bpa.mode === 'block-bidirectional'
      ? !exclusion
      : throughInternetGateway && exclusion?.InternetGatewayExclusionMode !== 'allow-bidirectional';
  if (!blocked) return;
  const what =
    bpa.mode === 'block-bidirectional'
      ? 'blocks all traffic through internet gateways in this Region, NAT gateways\' and NAT instances\' included'
      : `lets only NAT gateways and egress-only internet gateways through, and natGateways "${request.natGateways}" sends its traffic through the internet gateway`;
  const exclusionMode = bpa.mode === 'block-bidirectional' ? 'allow-egress' : 'allow-bidirectional';
  const fixes: string[] = [];
  if (request.vpcId && bpa.exclusionsAllowed) {
    fixes.push(`exclude the VPC (aws ec2 create-vpc-block-public-access-exclusion --vpc-id ${request.vpcId} --internet-gateway-exclusion-mode ${exclusionMode} --region ${request.region}), then run again`);
  } else if (bpa.exclusionsAllowed) {
    if (bpa.mode === 'block-bidirectional') fixes.push('let lambda-egress create an allow-egress exclusion for the new VPC (network.blockPublicAccessExclusion true; tagged, and deleted by rollback and teardown)');
    fixes.push(`${bpa.mode === 'block-bidirectional' ? 'or ' : ''}give an existing VPC excluded from BPA (aws ec2 create-vpc-block-public-access-exclusion --vpc-id <vpc> --internet-gateway-exclusion-mode ${exclusionMode}) as network.vpcId`);
  } else {
    fixes.push('exclusions are not allowed in this account (its organization manages BPA): ask its administrators');
  }
  if (bpa.mode === 'block-ingress') fixes.push(`or use natGateways ${modesThat((mode) => mode.target === 'nat-gateway')} (NAT gateways pass block-ingress)`);
  else fixes.push(`or change the account's mode if that is your decision to make (aws ec2 modify-vpc-block-public-access-options --internet-gateway-block-mode off --region ${request.region})`);
  throw new InvalidRequest(
    throughInternetGateway && bpa.mode === 'block-ingress' ? 'network.natGateways' : request.vpcId ? 'network.vpcId' : 'network',
    `AWS would block this network's internet egress: VPC Block Public Access is ${bpa.mode} in ${request.region}, which ${what}${exclusion ? ` (the exclusion ${exclusion.ExclusionId} is ${exclusion.InternetGatewayExclusionMode})` : ', and no exclusion covers ' + (request.vpcId ?? 'a VPC not created yet')}. ${fixes.join('; ')}`,
    { blockPublicAccess: bpa.mode, ...(exclusion?.ExclusionId ? { exclusionId: exclusion.ExclusionId } : {}) },
  );
}

/** network.blockPublicAccessExclusion with an existing VPC: its BPA standing is the owner's to change, not lambda-egress's. */
export function refuseExclusionOfExistingVpc(vpcId: string, region: string): never {
  throw new InvalidRequest(
    'network.blockPublicAccessExclusion',
    `applies to a VPC lambda-egress creates, and ${vpcId} is an existing VPC, which lambda-egress does not change: exclude it yourself if you decide so (aws ec2 create-vpc-block-public-access-exclusion --vpc-id ${vpcId} --internet-gateway-exclusion-mode allow-egress --region ${region}), or remove network.blockPublicAccessExclusion`,
  );
}
