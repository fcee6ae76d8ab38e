import { DescribeVpcEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { targetPlacement } from '../function/placement';
import { createClients, type AwsClients } from '../shared/clients';
import { NetworkNeedsRepair } from '../shared/errors';
import { logger } from '../shared/logger';
import { taskHandler } from '../shared/task-handler';
import { addressesOfNatGateway } from '../network/egress-address';
import { isGone } from '../network/network-lookup';
import { analyzeReachability, probePort } from './reachability';
import { NetworkView } from './reachability-facts';
import type { CheckJoinNetworkInput, JoinNetworkCheck } from './types';

/**
 * The drift check of a join that took its network from the registry record (docs/joins.md "Latency"): read-only,
 * beside the probe rather than before it. The static reachability analysis of the function's placement (route
 * table -> NAT gateway -> internet gateway, security group, network ACLs: reachability.ts), every recorded NAT
 * gateway `available` (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html), and the recorded
 * S3 gateway endpoint still there. A broken path or a missing part throws NetworkNeedsRepair: the join creates
 * nothing, rolls back, and repairs under the exclusive lock ("Repair is exclusive"). The analysis' facts
 * serve the NAT gateways' check too, and the S3 endpoint is described beside it.
 */
export async function checkJoinNetwork(clients: Pick<AwsClients, 'ec2'>, input: CheckJoinNetworkInput): Promise<JoinNetworkCheck> {
  const { network, request } = input;
  const placement = targetPlacement(input);
  const vpcId = network?.vpc?.vpcId;
  const natGateways = network?.natGateways ?? [];
  const s3EndpointId = network?.s3EndpointId;
  if (!vpcId || natGateways.length === 0) throw new Error('CheckJoinNetwork needs the recorded network ($.network from NetworkFromRecord): its VPC and NAT gateways');
  // One view for the analysis and the NAT gateways' state: each Describe once; the VPC's subnets in one call.
  const view = new NetworkView(clients.ec2);
  const analysis = async () => {
    await view.preloadSubnets(vpcId);
    return analyzeReachability(clients.ec2, { subnetIds: placement.subnetIds, securityGroupIds: placement.securityGroupIds, port: probePort(request.probe.url), ipv6: request.network.ipv6 }, view);
  };
  const [reachability, endpoints] = await Promise.all([
    analysis(),
    // By the VPC, not by id: an id that no longer exists is an error on AWS (InvalidVpcEndpointId.NotFound), and drift here.
    s3EndpointId ? clients.ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })) : undefined,
  ]);
  const drift: string[] = [];
  if (reachability.verdict === 'FAIL') drift.push(`the egress path is broken at ${reachability.hop}: ${reachability.explanation}`);
  const found = await view.natGateways(vpcId);
  const gateways = natGateways.map(({ natTargetId, az }) => {
    const nat = found.find((candidate) => candidate.NatGatewayId === natTargetId);
    return { natTargetId, az, state: nat?.State ?? 'missing', addresses: nat ? addressesOfNatGateway(nat, az) : [] };
  });
  for (const gateway of gateways.filter((candidate) => candidate.state !== 'available')) drift.push(`NAT gateway ${gateway.natTargetId} is ${gateway.state}`);
  const endpoint = endpoints?.VpcEndpoints?.find((candidate) => candidate.VpcEndpointId === s3EndpointId);
  if (s3EndpointId && (!endpoint || isGone(endpoint.State))) drift.push(`the S3 gateway endpoint ${s3EndpointId} is ${endpoint?.State ?? 'missing'}`);
  if (drift.length > 0) {
    logger.warn('the recorded network has drifted', { network: request.network.name, drift });
    throw new NetworkNeedsRepair(`network "${request.network.name}" is not as its record says (${drift.join('; ')}): the join changes nothing and repairs it under the network's exclusive lock`, { network: request.network.name, drift });
  }
  return {
    reachability,
    natCheck: { allAvailable: true, gateways },
    s3Endpoint: s3EndpointId ? { vpcEndpointId: s3EndpointId } : { skipped: 'the network has no S3 gateway endpoint (network.s3Endpoint false)' },
  };
}

const clients = createClients({ ec2: EC2Client });
export const handler = taskHandler('CheckJoinNetwork', (input: CheckJoinNetworkInput) => checkJoinNetwork(clients, input));
