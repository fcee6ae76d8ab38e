import { CreateVpcBlockPublicAccessExclusionCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { ledgerEntry } from '../shared/ledger';
import { logger } from '../shared/logger';
import { createdBy, tagSpecifications } from '../shared/tags';
import type { LedgerEntry } from '../shared/types';
import { tagsFor } from './network-lookup';
import { readBlockPublicAccess } from './block-public-access';
import type { NetworkTaskInput } from './types';

/** The tag role of the exclusion (lambda-egress:role). */
const BPA_EXCLUSION_ROLE = 'bpa-exclusion';

/**
 * network.blockPublicAccessExclusion: under VPC Block Public Access `block-bidirectional`, which blocks every
 * path through an internet gateway (NAT gateways' included), the network's own VPC gets an `allow-egress`
 * exclusion: outbound traffic and its answers pass, nothing may connect in (Amazon VPC User Guide, "Create and
 * delete exclusions": https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa-exclusions.html;
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcBlockPublicAccessExclusion.html). Tagged
 * at creation and ledgered, so rollback and teardown delete it with the VPC. Found again by its VPC: an
 * exclusion someone else made is used, never ledgered. Nothing to do in any other mode (ValidateRequest refused
 * what needs more than allow-egress).
 */
export async function ensureBpaExclusion(ec2: EC2Client, input: NetworkTaskInput, vpcId: string): Promise<LedgerEntry[]> {
  const network = input.request.network;
  if (network.mode !== 'create' || !network.blockPublicAccessExclusion) return [];
  const bpa = await readBlockPublicAccess(ec2);
  if (bpa?.mode !== 'block-bidirectional') return [];
  const found = bpa.exclusions.find((exclusion) => exclusion.ResourceArn?.endsWith(`:vpc/${vpcId}`));
  if (found?.ExclusionId) {
    logger.info('found the VPC Block Public Access exclusion of the network VPC', { exclusionId: found.ExclusionId, mode: found.InternetGatewayExclusionMode });
    return createdBy(found.Tags, input.execution.id) ? [ledgerEntry('bpa-exclusion', found.ExclusionId, { detail: { vpcId } })] : [];
  }
  const created = await ec2.send(
    new CreateVpcBlockPublicAccessExclusionCommand({
      VpcId: vpcId,
      InternetGatewayExclusionMode: 'allow-egress',
      TagSpecifications: tagSpecifications('vpc-block-public-access-exclusion', tagsFor(input, BPA_EXCLUSION_ROLE)),
    }),
  );
  const exclusionId = created.VpcBlockPublicAccessExclusion?.ExclusionId;
  if (!exclusionId) throw new Error(`CreateVpcBlockPublicAccessExclusion returned no ExclusionId for ${vpcId}`);
  logger.info('created a VPC Block Public Access exclusion (allow-egress) for the network VPC', { exclusionId, vpcId });
  return [ledgerEntry('bpa-exclusion', exclusionId, { detail: { vpcId } })];
}
