import { CreateSubnetCommand, EC2Client, type Subnet } from '@aws-sdk/client-ec2';
import { createClients, type AwsClients } from '../shared/clients';
import { ledgerEntry } from '../shared/ledger';
import { createdBy, tagSpecifications } from '../shared/tags';
import { taskHandler } from '../shared/task-handler';
import type { LedgerEntry, PlannedSubnet, TaskInput } from '../shared/types';
import { ipv6Subnet64 } from './cidr';
import { findPlannedSubnet, required, subnetRole, subnetsOf, tagsFor, toNetworkSubnet } from './network-lookup';
import { natModeOf } from './nat-modes';
import { isNatInstanceTarget } from './nat-targets';
import { REGIONAL_NAT_PLACEMENT, type AuditSlice, type NatPlacement, type NetworkSubnet, type NetworkTaskInput, type SubnetsSlice, type VpcSlice } from './types';

/**
 * EnsureSubnets. Create mode: the plan of ValidateRequest, one public and one private subnet per AZ, each
 * found by its tags (network, role, AZ) or created. Existing mode: only the subnets the audit planned in free
 * CIDR space; the slice then names the existing subnets the network uses. Either way `natPlacements` says
 * where the NAT gateways go: one per AZ, only one with natGateways "single", or the VPC's regional one (no
 * public subnet: with "regional" the create-mode plan has none).
 */
export async function ensureSubnets(clients: Pick<AwsClients, 'ec2'>, input: NetworkTaskInput): Promise<SubnetsSlice> {
  const vpc = required(input.network?.vpc, 'network.vpc', 'EnsureVpc');
  const audit = input.network?.audit;
  if (input.request.network.mode === 'existing') {
    if (audit?.mode !== 'existing') throw new Error('network.audit is missing: AuditExistingVpc must run before EnsureSubnets in existing mode');
    return existingModeSubnets(clients.ec2, input, vpc, audit);
  }
  const { subnets, ledger } = await ensurePlannedSubnets(clients.ec2, input, vpc, input.request.network.subnetPlan);
  const publicSubnets = subnets.filter((subnet) => subnet.tier === 'public');
  const placements = publicSubnets.map(({ az, subnetId }) => ({ az, subnetId }));
  return {
    subnets,
    publicSubnetIds: publicSubnets.map((subnet) => subnet.subnetId),
    privateSubnetIds: subnets.filter((subnet) => subnet.tier === 'private').map((subnet) => subnet.subnetId),
    natPlacements: natModeOf(input.request.network.natGateways).placements(placements),
    ledger,
  };
}

/** Finds each planned subnet by its tags and AZ, or creates it; in plan order. */
async function ensurePlannedSubnets(ec2: EC2Client, input: TaskInput, vpc: VpcSlice, plan: readonly PlannedSubnet[]): Promise<{ subnets: NetworkSubnet[]; ledger: LedgerEntry[] }> {
  const networkName = input.request.network.name;
  const existing = plan.length > 0 ? await subnetsOf(ec2, vpc.vpcId) : [];
  const subnets: NetworkSubnet[] = [];
  const ledger: LedgerEntry[] = [];
  for (const planned of plan) {
    let subnet = findPlannedSubnet(existing, planned, networkName);
    if (!subnet || createdBy(subnet.Tags, input.execution.id)) {
      if (!subnet) subnet = await createSubnet(ec2, input, vpc, planned, subnetRole(planned.tier));
      ledger.push(ledgerEntry('subnet', subnet.SubnetId ?? '', { az: planned.az }));
    }
    subnets.push(toNetworkSubnet(subnet, planned.tier));
  }
  return { subnets, ledger };
}

async function createSubnet(ec2: EC2Client, input: TaskInput, vpc: VpcSlice, planned: PlannedSubnet, role: string): Promise<Subnet> {
  const ipv6 = planned.ipv6SubnetIndex !== undefined ? ipv6Subnet64(required(vpc.ipv6CidrBlock, 'network.vpc.ipv6CidrBlock', 'EnsureVpc'), planned.ipv6SubnetIndex) : undefined;
  const created = await ec2.send(
    new CreateSubnetCommand({
      VpcId: vpc.vpcId,
      AvailabilityZone: planned.az,
      CidrBlock: planned.cidr,
      ...(ipv6 ? { Ipv6CidrBlock: ipv6 } : {}),
      TagSpecifications: tagSpecifications('subnet', tagsFor(input, role, `${planned.tier}-${planned.az}`)),
    }),
  );
  return required(created.Subnet, 'CreateSubnet response Subnet', 'CreateSubnet');
}

/**
 * Existing mode: creates what the audit planned, then names the subnets the network uses — every public
 * subnet (never a place for the function), the private subnet of each repaired AZ, and the NAT placements.
 */
async function existingModeSubnets(ec2: EC2Client, input: NetworkTaskInput, vpc: VpcSlice, audit: AuditSlice): Promise<SubnetsSlice> {
  const { subnets: created, ledger } = await ensurePlannedSubnets(ec2, input, vpc, audit.plan.subnetsToCreate);
  const createdIn = (az: string, tier: NetworkSubnet['tier']) => required(created.find((subnet) => subnet.az === az && subnet.tier === tier), `planned ${tier} subnet in ${az}`, 'the audit plan');

  const publicSubnets: NetworkSubnet[] = [
    ...audit.subnets.filter((subnet) => subnet.class === 'public').map(({ subnetId, az, cidr, ipv6Cidr }) => ({ subnetId, az, tier: 'public' as const, cidr, ...(ipv6Cidr ? { ipv6Cidr } : {}) })),
    ...created.filter((subnet) => subnet.tier === 'public'),
  ];
  const privateSubnets: NetworkSubnet[] = audit.plan.azs.map((repair) => {
    if (!repair.privateSubnetId) return createdIn(repair.az, 'private');
    const audited = required(audit.subnets.find((subnet) => subnet.subnetId === repair.privateSubnetId), `audited subnet ${repair.privateSubnetId}`, 'AuditExistingVpc');
    return { subnetId: audited.subnetId, az: audited.az, tier: 'private', cidr: audited.cidr, ...(audited.ipv6Cidr ? { ipv6Cidr: audited.ipv6Cidr } : {}) };
  });

  const placements: NatPlacement[] = [];
  for (const repair of audit.plan.azs) {
    const placement: NatPlacement | undefined =
      repair.nat.placement === 'regional' || (repair.nat.placement === 'existing' && !repair.nat.subnetId)
        ? REGIONAL_NAT_PLACEMENT
        : repair.nat.placement === 'existing'
          ? { az: repair.nat.az, subnetId: repair.nat.subnetId, ...(isNatInstanceTarget(repair.nat.natTargetId) ? { natInstanceEniId: repair.nat.natTargetId } : {}) }
          : repair.nat.placement === 'new'
            ? { az: repair.az, subnetId: repair.nat.subnetId ?? createdIn(repair.az, 'public').subnetId }
            : undefined;
    if (placement && !placements.some((known) => JSON.stringify(known) === JSON.stringify(placement))) placements.push(placement);
  }
  return {
    subnets: [...publicSubnets, ...privateSubnets],
    publicSubnetIds: publicSubnets.map((subnet) => subnet.subnetId),
    privateSubnetIds: privateSubnets.map((subnet) => subnet.subnetId),
    natPlacements: placements,
    ledger,
  };
}

const clients = createClients({ ec2: EC2Client });
export const handler = taskHandler('EnsureSubnets', (input: NetworkTaskInput) => ensureSubnets(clients, input));
