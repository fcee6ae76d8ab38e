import type { ProvisionResult } from '../functions/report/types';

/**
 * The network a function now uses, as a Mermaid flowchart in the columns of the VPC console's resource map:
 * VPC -> subnets (grouped by AZ, marked public/private) -> route tables -> connections (IGW, NAT, EIGW,
 * S3 endpoint) -> the internet. Pure: everything comes from the result and, when the CLI could read the
 * network, from its description.
 */

/** What describing the VPC adds to the result: AZs, CIDRs and the real routes. */
export interface NetworkDetails {
  readonly vpcCidr?: string;
  readonly subnets: ReadonlyArray<{ readonly id: string; readonly az?: string; readonly cidr?: string; readonly ipv6Cidr?: string; readonly routeTableId?: string }>;
  readonly routeTables: ReadonlyArray<{ readonly id: string; readonly main?: boolean; readonly routes: ReadonlyArray<{ readonly destination: string; readonly target: string }> }>;
  readonly natGateways: ReadonlyArray<{ readonly id: string; readonly subnetId?: string }>;
}

type Tier = 'public' | 'private';

interface SubnetNode {
  readonly id: string;
  readonly tier: Tier;
  readonly az: string;
  readonly cidr?: string;
  readonly ipv6Cidr?: string;
}

const UNKNOWN_AZ = 'AZ not known';

/** A Mermaid node id: letters, digits and underscores only, with a prefix so it never clashes with a keyword. */
export function nodeId(prefix: string, id: string): string {
  return `${prefix}_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** A label inside `["..."]`: quotes are the one character Mermaid cannot take as is. */
export function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

function functionName(arn: string): string {
  return arn.split(':function:')[1]?.split(':')[0] ?? arn;
}

function subnetsOf(result: ProvisionResult, details?: NetworkDetails): SubnetNode[] {
  const described = new Map(details?.subnets.map((subnet) => [subnet.id, subnet]));
  const ledgerAz = new Map(result.ledger.filter((entry) => entry.kind === 'subnet' && entry.az).map((entry) => [entry.id, entry.az ?? '']));
  const natAz = new Map<string, string>();
  for (const nat of details?.natGateways ?? []) {
    const az = result.network.natGateways.find((candidate) => candidate.natTargetId === nat.id)?.az;
    if (nat.subnetId && az) natAz.set(nat.subnetId, az);
  }
  const node = (id: string, tier: Tier): SubnetNode => {
    const subnet = described.get(id);
    return {
      id,
      tier,
      az: subnet?.az ?? ledgerAz.get(id) ?? natAz.get(id) ?? UNKNOWN_AZ,
      ...(subnet?.cidr ? { cidr: subnet.cidr } : {}),
      ...(subnet?.ipv6Cidr ? { ipv6Cidr: subnet.ipv6Cidr } : {}),
    };
  };
  return [...result.network.publicSubnetIds.map((id) => node(id, 'public')), ...result.network.privateSubnetIds.map((id) => node(id, 'private'))];
}

function gatewayNode(target: string, result: ProvisionResult): { id: string; shape: string } {
  const network = result.network;
  if (target.startsWith('igw-')) return { id: nodeId('igw', target), shape: `{{${label(`internet gateway<br/>${target}`)}}}` };
  if (target.startsWith('eigw-')) return { id: nodeId('eigw', target), shape: `{{${label(`egress-only internet gateway<br/>${target}`)}}}` };
  // The public IPs a NAT leaves from (what a partner allow-lists), on its node; a regional one's per AZ.
  const ips = (network.egress?.addresses ?? []).filter((address) => address.natId === target).map((address) => (target.startsWith('nat-') && address.az !== network.natGateways.find((nat) => nat.natTargetId === target)?.az ? `${address.publicIp} (${address.az})` : address.publicIp));
  const ipLines = ips.map((ip) => `<br/>${ip}`).join('');
  if (target.startsWith('nat-')) {
    const az = network.natGateways.find((nat) => nat.natTargetId === target)?.az;
    return { id: nodeId('nat', target), shape: `[[${label(`NAT gateway<br/>${target}${az ? `<br/>${az}` : ''}${ipLines}`)}]]` };
  }
  if (target.startsWith('eni-') && ips.length > 0) return { id: nodeId('nat', target), shape: `[[${label(`NAT instance<br/>${target}${ipLines}`)}]]` };
  if (target.startsWith('vpce-')) return { id: nodeId('vpce', target), shape: `[(${label(`S3 gateway endpoint<br/>${target}`)})]` };
  return { id: nodeId('other', target), shape: `[${label(`${target}<br/>(not managed by lambda-egress)`)}]` };
}

/** Routes as the result implies them, when the route tables could not be read. */
function inferredRoutes(result: ProvisionResult, subnets: SubnetNode[]): Array<{ from: string; destination: string; target: string }> {
  const network = result.network;
  const routes: Array<{ from: string; destination: string; target: string }> = [];
  for (const subnet of subnets) {
    if (subnet.tier === 'public' && network.internetGatewayId) routes.push({ from: subnet.id, destination: '0.0.0.0/0', target: network.internetGatewayId });
    if (subnet.tier !== 'private') continue;
    const nat = network.natGateways.find((candidate) => candidate.az === subnet.az) ?? (network.natGateways.length === 1 ? network.natGateways[0] : undefined);
    if (nat) routes.push({ from: subnet.id, destination: '0.0.0.0/0', target: nat.natTargetId });
    if (network.egressOnlyInternetGatewayId) routes.push({ from: subnet.id, destination: '::/0', target: network.egressOnlyInternetGatewayId });
    if (network.s3EndpointId) routes.push({ from: subnet.id, destination: 'S3', target: network.s3EndpointId });
  }
  return routes;
}

export function renderTopology(result: ProvisionResult, details?: NetworkDetails): string {
  const network = result.network;
  const subnets = subnetsOf(result, details);
  const connections = new Map<string, string>();
  const chart: Chart = {
    edges: [],
    connect: (target) => {
      const gateway = gatewayNode(target, result);
      connections.set(gateway.id, `  ${gateway.id}${gateway.shape}`);
      return gateway.id;
    },
  };
  // Without a description of the network: the routes the result implies, straight from subnet to gateway.
  if (!details) for (const route of inferredRoutes(result, subnets)) chart.edges.push(`  ${nodeId('subnet', route.from)} -->|${label(route.destination)}| ${chart.connect(route.target)}`);
  const fnId = nodeId('fn', functionName(result.functionArn));
  const vpcTitle = [`VPC ${network.vpcId}`, details?.vpcCidr, `network ${network.name}${network.mode === 'existing' ? ' (existing VPC)' : ''}`].filter(Boolean).join(' · ');
  const lines: string[] = [
    'flowchart LR',
    `  ${fnId}([${label(`λ ${functionName(result.functionArn)}`)}])`,
    `  subgraph ${nodeId('vpc', network.vpcId || 'vpc')}[${label(vpcTitle)}]`,
    ...azLines(subnets),
    ...(details ? routeTableLines(chart, details, subnets) : []),
    '  end',
  ];
  chart.edges.push(...gatewayEdges(chart, result, details));
  for (const subnetId of result.function.appliedVpcConfig.subnetIds) chart.edges.push(`  ${fnId} -.->|${label('ENI')}| ${nodeId('subnet', subnetId)}`);
  lines.push(...connections.values(), '  internet((internet))', ...new Set(chart.edges));
  return `${lines.join('\n')}\n`;
}

/** The edges of the chart so far, and `connect`: a gateway's node id, its node declared once. */
interface Chart {
  readonly edges: string[];
  readonly connect: (target: string) => string;
}

/** One subgraph per AZ with its subnets. */
function azLines(subnets: readonly SubnetNode[]): string[] {
  const azs = [...new Set(subnets.map((subnet) => subnet.az))].sort();
  return azs.flatMap((az) => [
    `    subgraph ${nodeId('az', az)}[${label(az)}]`,
    ...subnets
      .filter((candidate) => candidate.az === az)
      .map((subnet) => {
        const cidrs = [subnet.cidr, subnet.ipv6Cidr].filter(Boolean).join('<br/>');
        return `      ${nodeId('subnet', subnet.id)}[${label(`${subnet.tier} subnet<br/>${subnet.id}${cidrs ? `<br/>${cidrs}` : ''}`)}]`;
      }),
    '    end',
  ]);
}

/** The route tables the subnets use, as the CLI described them: their nodes (returned) and their routes (edges). */
function routeTableLines(chart: Chart, details: NetworkDetails, subnets: readonly SubnetNode[]): string[] {
  const tableOf = (subnet: SubnetNode): string | undefined => details.subnets.find((candidate) => candidate.id === subnet.id)?.routeTableId;
  const used = new Set(subnets.map(tableOf).filter(Boolean));
  const lines: string[] = [];
  for (const table of details.routeTables.filter((candidate) => used.has(candidate.id))) {
    const routed = subnets.filter((subnet) => tableOf(subnet) === table.id);
    const tiers = [...new Set(routed.map((subnet) => subnet.tier))].join(' + ');
    const azs = [...new Set(routed.map((subnet) => subnet.az))];
    const role = `${tiers}${azs.length === 1 && tiers === 'private' ? `, ${azs[0]}` : ''}${table.main ? ', main' : ''}`;
    lines.push(`    ${nodeId('rtb', table.id)}[${label(`route table (${role})<br/>${table.id}`)}]`);
    for (const route of table.routes.filter((candidate) => candidate.target !== 'local')) {
      const destination = route.destination.startsWith('pl-') ? `S3 ${route.destination}` : route.destination;
      chart.edges.push(`  ${nodeId('rtb', table.id)} -->|${label(destination)}| ${chart.connect(route.target)}`);
    }
  }
  for (const subnet of subnets) {
    const tableId = tableOf(subnet);
    if (tableId) chart.edges.push(`  ${nodeId('subnet', subnet.id)} --> ${nodeId('rtb', tableId)}`);
  }
  return lines;
}

/** A NAT gateway sends its traffic out through the internet gateway of its public subnet. */
function gatewayEdges(chart: Chart, result: ProvisionResult, details: NetworkDetails | undefined): string[] {
  const network = result.network;
  const edges: string[] = [];
  for (const nat of network.natGateways) {
    const natNode = chart.connect(nat.natTargetId);
    const inSubnet = details?.natGateways.find((candidate) => candidate.id === nat.natTargetId)?.subnetId;
    if (inSubnet) edges.push(`  ${natNode} -.-|${label('in')}| ${nodeId('subnet', inSubnet)}`);
    if (network.internetGatewayId) edges.push(`  ${natNode} --> ${chart.connect(network.internetGatewayId)}`);
  }
  for (const gatewayId of [network.internetGatewayId, network.egressOnlyInternetGatewayId]) {
    if (gatewayId) edges.push(`  ${chart.connect(gatewayId)} --> internet`);
  }
  return edges;
}
