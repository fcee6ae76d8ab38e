import {
  AssociateVpcCidrBlockCommand,
  CreateVpcCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  ModifyVpcAttributeCommand,
  EC2Client,
  type TagSpecification,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { createClients, type AwsClients } from '../shared/clients';
import { ledgerEntry } from '../shared/ledger';
import { logger } from '../shared/logger';
import { createdBy, isManaged, tagSpecifications } from '../shared/tags';
import { taskHandler } from '../shared/task-handler';
import type { LedgerEntry } from '../shared/types';
import { findManagedVpc, ipv6BlockOf, required, ROLE, TAG_CREATED_AT, tagsFor } from './network-lookup';
import type { NetworkTaskInput, VpcSlice } from './types';
import { ensureBpaExclusion } from './ensure-bpa-exclusion';

/** How long EnsureVpc waits for AWS to assign the Amazon IPv6 /56 (usually a few seconds). */
const IPV6_WAIT = { attempts: 10, delayMs: 2000 };

/**
 * EnsureVpc. Create mode: the network's VPC, found by its tags (many functions share one network) or created
 * with DNS support and hostnames on and, when asked, an Amazon IPv6 /56. Existing mode: the given VPC as it is;
 * nothing is created (ValidateRequest already refused IPv6 for a VPC without an IPv6 block).
 */
export async function ensureVpc(clients: Pick<AwsClients, 'ec2'>, input: NetworkTaskInput, options = { ipv6Wait: IPV6_WAIT }): Promise<VpcSlice> {
  const { ec2 } = clients;
  const network = input.request.network;
  if (network.mode === 'existing') {
    const vpcId = required(network.vpcId, 'request.network.vpcId', 'ValidateRequest');
    const vpc = required((await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0], `VPC ${vpcId}`, 'ValidateRequest');
    return slice(vpc, []);
  }

  const ledger: LedgerEntry[] = [];
  let vpc = await findManagedVpc(ec2, network.name);
  if (vpc) {
    logger.info('found the network VPC', { vpcId: vpc.VpcId });
    if (createdBy(vpc.Tags, input.execution.id)) ledger.push(ledgerEntry('vpc', vpc.VpcId ?? ''));
  } else {
    const created = await ec2.send(
      new CreateVpcCommand({
        CidrBlock: required(network.cidr, 'request.network.cidr', 'ValidateRequest'),
        ...(network.ipv6 ? { AmazonProvidedIpv6CidrBlock: true } : {}),
        TagSpecifications: createdNow(tagSpecifications('vpc', tagsFor(input, ROLE.vpc))),
      }),
    );
    vpc = required(created.Vpc, 'CreateVpc response Vpc', 'CreateVpc');
    logger.info('created the network VPC', { vpcId: vpc.VpcId });
    ledger.push(ledgerEntry('vpc', vpc.VpcId ?? ''));
  }
  const vpcId = vpc.VpcId ?? '';
  await enableDns(ec2, vpcId);
  const ipv6Associations = (vpc.Ipv6CidrBlockAssociationSet ?? []).filter((association) => !['disassociated', 'failed'].includes(association.Ipv6CidrBlockState?.State ?? ''));
  if (network.ipv6 && ipv6Associations.length === 0 && isManaged(vpc.Tags)) {
    // A network VPC created earlier without IPv6 (ValidateRequest refuses that for a network in use, so this is
    // the retry of an execution that created the VPC): the /56 is additive and goes with the VPC on rollback.
    await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, AmazonProvidedIpv6CidrBlock: true }));
  }
  if (network.ipv6) vpc = await waitForIpv6Block(ec2, vpcId, vpc, options.ipv6Wait);
  ledger.push(...(await ensureBpaExclusion(ec2, input, vpcId)));
  return slice(vpc, ledger);
}

/** Lambda functions resolve public names through the VPC's DNS: both attributes on, each set only when off. */
async function enableDns(ec2: EC2Client, vpcId: string): Promise<void> {
  const support = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' }));
  if (support.EnableDnsSupport?.Value !== true) await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: true } }));
  const hostnames = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }));
  if (hostnames.EnableDnsHostnames?.Value !== true) await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
}

/** AWS assigns the Amazon /56 asynchronously; the subnets' /64s are carved from it, so it must be known. */
async function waitForIpv6Block(ec2: EC2Client, vpcId: string, vpc: Vpc, wait: { attempts: number; delayMs: number }): Promise<Vpc> {
  let current = vpc;
  for (let attempt = 0; !ipv6BlockOf(current) && attempt < wait.attempts; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, wait.delayMs));
    current = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0] ?? current;
  }
  if (!ipv6BlockOf(current)) throw new Error(`${vpcId} has no IPv6 /56 yet after ${wait.attempts} checks; the task can be retried`);
  return current;
}

function slice(vpc: Vpc, ledger: LedgerEntry[]): VpcSlice {
  const ipv6CidrBlock = ipv6BlockOf(vpc);
  return { vpcId: vpc.VpcId ?? '', cidrBlock: vpc.CidrBlock ?? '', ...(ipv6CidrBlock ? { ipv6CidrBlock } : {}), ledger };
}

const clients = createClients({ ec2: EC2Client });
export const handler = taskHandler('EnsureVpc', (input: NetworkTaskInput) => ensureVpc(clients, input));

/** The VPC's creation time as a tag, for findManagedVpc's "oldest wins". */
function createdNow(specifications: TagSpecification[]): TagSpecification[] {
  return specifications.map((specification) => ({ ...specification, Tags: [...(specification.Tags ?? []), { Key: TAG_CREATED_AT, Value: new Date().toISOString() }] }));
}
