import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  CreateNatGatewayCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTransitGatewayCommand,
  DeleteNatGatewayCommand,
  DeleteRouteCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  EC2Client,
  ReplaceNetworkAclAssociationCommand,
  ReplaceRouteCommand,
  RevokeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupEgressCommand,
  type NetworkAclEntry,
} from '@aws-sdk/client-ec2';
import { cidrCovers } from '../../functions/network/cidr';
import { analyzeReachability, probePort } from '../../functions/probe/reachability';
import { deniedPorts } from '../../functions/probe/traffic-rules';
import type { ReachabilityInput } from '../../functions/probe/types';
import { emulator } from '../../local/test-support/emulator-control';
import { buildEgressNetwork, type EgressNetwork } from '../support/egress-network';

const ec2 = new EC2Client({});

function privatePath(network: EgressNetwork, overrides: Partial<ReachabilityInput> = {}): ReachabilityInput {
  return { subnetIds: network.privateSubnetIds, securityGroupIds: [network.securityGroupId], port: 443, ipv6: false, ...overrides };
}

type Rule = Omit<NetworkAclEntry, 'Egress'> & { egress: boolean };

/** A new network ACL with exactly these rules (plus AWS's implicit final deny), given to the subnet. */
async function useNetworkAcl(network: EgressNetwork, subnetId: string, rules: Rule[]): Promise<string> {
  const acl = await ec2.send(new CreateNetworkAclCommand({ VpcId: network.vpcId }));
  const aclId = acl.NetworkAcl!.NetworkAclId!;
  for (const { egress, ...rule } of rules) {
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: aclId,
        Egress: egress,
        RuleNumber: rule.RuleNumber!,
        Protocol: rule.Protocol!,
        RuleAction: rule.RuleAction!,
        CidrBlock: rule.CidrBlock ?? '0.0.0.0/0',
        ...(rule.PortRange ? { PortRange: rule.PortRange } : {}),
      }),
    );
  }
  const acls = await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [network.vpcId] }] }));
  const association = acls.NetworkAcls?.flatMap((candidate) => candidate.Associations ?? []).find((candidate) => candidate.SubnetId === subnetId);
  await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: association!.NetworkAclAssociationId!, NetworkAclId: aclId }));
  return aclId;
}

const ALLOW_ALL_OUT: Rule = { egress: true, RuleNumber: 200, Protocol: '-1', RuleAction: 'allow' };
const ALLOW_ALL_IN: Rule = { egress: false, RuleNumber: 200, Protocol: '-1', RuleAction: 'allow' };

describe('reachability analysis on moto topologies', () => {
  let network: EgressNetwork;
  let firstPrivate: string;

  beforeEach(async () => {
    await emulator.freshAccount();
    network = await buildEgressNetwork(ec2);
    firstPrivate = network.privateSubnetIds[0]!;
  });

  it('PASSes the correct topology, listing every hop of every private subnet, with Describe calls only', async () => {
    await emulator.clearCalls();
    const verdict = await analyzeReachability(ec2, privatePath(network));

    expect(verdict.verdict).toBe('PASS');
    expect(verdict.paths.map((path) => path.subnetId)).toEqual(network.privateSubnetIds);
    for (const path of verdict.paths) {
      expect(path.steps.map((step) => step.hop)).toEqual([
        'subnet',
        'route-table',
        'nat-gateway',
        'nat-subnet-route',
        'internet-gateway',
        'security-group',
        'network-acl',
        'nat-network-acl',
      ]);
      expect(path.steps.every((step) => step.ok)).toBe(true);
    }
    expect(verdict.paths[0]!.steps.find((step) => step.hop === 'nat-gateway')?.resourceId).toBe(network.natGateways[0]!.natGatewayId);
    const actions = (await emulator.calls()).map((call) => call.action);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((action) => action.startsWith('Describe'))).toBe(true);
  });

  it('FAILs a public subnet at its default route to the internet gateway, with the fix', async () => {
    const publicId = network.publicSubnetIds[1]!;
    const verdict = await analyzeReachability(ec2, privatePath(network, { subnetIds: [publicId] }));
    expect(verdict).toMatchObject({
      verdict: 'FAIL',
      hop: 'default-route',
      subnetId: publicId,
      resourceId: network.internetGatewayId,
      explanation: `${publicId} is public: its default route goes to ${network.internetGatewayId}; a Lambda function there gets no internet access — use the private subnets`,
      fix: expect.stringContaining('private subnets'),
    });
  });

  it('FAILs an isolated subnet (no default route)', async () => {
    await ec2.send(new DeleteRouteCommand({ RouteTableId: network.privateRouteTableIds[0], DestinationCidrBlock: '0.0.0.0/0' }));
    const verdict = await analyzeReachability(ec2, privatePath(network));
    expect(verdict).toMatchObject({ verdict: 'FAIL', hop: 'default-route', subnetId: firstPrivate, resourceId: network.privateRouteTableIds[0] });
    if (verdict.verdict === 'FAIL') expect(verdict.explanation).toMatch(/isolated: its route table rtb-\w+ has no default route/);
    // the other subnet's path is still analysed, and fine
    expect(verdict.paths[1]!.steps.every((step) => step.ok)).toBe(true);
  });

  it("falls back to the VPC's main route table for a subnet without an association", async () => {
    const tables = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [network.privateRouteTableIds[0]!] }));
    const association = tables.RouteTables![0]!.Associations!.find((candidate) => candidate.SubnetId === firstPrivate)!;
    await ec2.send(new DisassociateRouteTableCommand({ AssociationId: association.RouteTableAssociationId! }));

    const verdict = await analyzeReachability(ec2, privatePath(network));

    expect(verdict).toMatchObject({ verdict: 'FAIL', hop: 'default-route', subnetId: firstPrivate });
    expect(verdict.paths[0]!.steps.find((step) => step.hop === 'route-table')?.detail).toMatch(/the VPC's main route table/);
  });

  it('FAILs a default route to a deleted NAT gateway', async () => {
    const natGatewayId = network.natGateways[0]!.natGatewayId;
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: natGatewayId }));
    const verdict = await analyzeReachability(ec2, privatePath(network));
    expect(verdict).toMatchObject({ verdict: 'FAIL', hop: 'nat-gateway', subnetId: firstPrivate, resourceId: natGatewayId });
    if (verdict.verdict === 'FAIL') expect(verdict.explanation).toMatch(/which is deleted: the route leads nowhere/);
  });

  it('FAILs a NAT gateway AWS reports as failed, with its failure code (injected: moto NATs never fail)', async () => {
    await emulator.inject({
      service: 'ec2',
      action: 'DescribeNatGateways',
      fault: {
        type: 'rewrite',
        replacements: [{ pattern: '<state>available</state>', replacement: '<state>failed</state><failureCode>Gateway.NotAttached</failureCode><failureMessage>Network vpc-x has no Internet gateway attached</failureMessage>' }],
      },
    });
    const verdict = await analyzeReachability(ec2, privatePath(network));
    expect(verdict).toMatchObject({ verdict: 'FAIL', hop: 'nat-gateway', resourceId: network.natGateways[0]!.natGatewayId });
    if (verdict.verdict === 'FAIL') expect(verdict.explanation).toMatch(/failed: Network vpc-x has no Internet gateway attached \(Gateway\.NotAttached\)/);
  });

  it('FAILs a NAT gateway placed in a private subnet (its own default route is not an internet gateway)', async () => {
    // GIVEN a NAT in a subnet whose route table has no way out, and the first private subnet routed to it
    const hidden = await ec2.send(new CreateSubnetCommand({ VpcId: network.vpcId, CidrBlock: '10.0.100.0/24', AvailabilityZone: 'us-east-1a' }));
    const hiddenId = hidden.Subnet!.SubnetId!;
    const table = await ec2.send(new CreateRouteTableCommand({ VpcId: network.vpcId }));
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: table.RouteTable!.RouteTableId!, SubnetId: hiddenId }));
    const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const nat = await ec2.send(new CreateNatGatewayCommand({ SubnetId: hiddenId, AllocationId: eip.AllocationId! }));
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: network.privateRouteTableIds[0], DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat.NatGateway!.NatGatewayId! }));

    const verdict = await analyzeReachability(ec2, privatePath(network));

    expect(verdict).toMatchObject({ verdict: 'FAIL', hop: 'nat-subnet-route', subnetId: firstPrivate, resourceId: hiddenId });
    if (verdict.verdict === 'FAIL') {
      expect(verdict.explanation).toMatch(/has no default route, not to an internet gateway: the NAT gateway itself has no way out/);
      expect(verdict.fix).toMatch(/public subnet/);
    }
  });

  it('FAILs when the internet gateway is detached from the VPC', async () => {
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: network.internetGatewayId, VpcId: network.vpcId }));
    const verdict = await analyzeReachability(ec2, privatePath(network));
    expect(verdict).toMatchObject({ verdict: 'FAIL', hop: 'internet-gateway', resourceId: network.internetGatewayId, fix: expect.stringContaining('attach-internet-gateway') });
  });

  it('FAILs a security group without any egress rule', async () => {
    await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: network.securityGroupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    const verdict = await analyzeReachability(ec2, privatePath(network));
    expect(verdict).toMatchObject({ verdict: 'FAIL', hop: 'security-group', resourceId: network.securityGroupId });
    if (verdict.verdict === 'FAIL') expect(verdict.fix).toBe(`add an outbound rule to ${network.securityGroupId}: TCP 443 to 0.0.0.0/0`);
  });

  it('judges security group egress by port: TCP 443 only passes a 443 probe and fails an 8080 one', async () => {
    await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: network.securityGroupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({ GroupId: network.securityGroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }),
    );
    expect((await analyzeReachability(ec2, privatePath(network))).verdict).toBe('PASS');
    expect(await analyzeReachability(ec2, privatePath(network, { port: 8080 }))).toMatchObject({ verdict: 'FAIL', hop: 'security-group' });
  });

  it('FAILs a network ACL that denies outbound 443, naming the rule', async () => {
    const aclId = await useNetworkAcl(network, firstPrivate, [
      { egress: true, RuleNumber: 100, Protocol: '6', RuleAction: 'deny', PortRange: { From: 443, To: 443 } },
      ALLOW_ALL_OUT,
      ALLOW_ALL_IN,
    ]);
    const verdict = await analyzeReachability(ec2, privatePath(network));
    expect(verdict).toMatchObject({ verdict: 'FAIL', hop: 'network-acl', subnetId: firstPrivate, resourceId: aclId });
    if (verdict.verdict === 'FAIL') {
      expect(verdict.explanation).toBe(`network ACL ${aclId} of ${firstPrivate} blocks outbound TCP 443 to the internet (port 443; rule 100 denies it)`);
      expect(verdict.fix).toMatch(/outbound allow rule .* with a rule number below 100: TCP 443 to 0.0.0.0\/0/);
    }
  });

  it('PASSes when a lower-numbered rule allows 443 before a broader deny (first match wins)', async () => {
    await useNetworkAcl(network, firstPrivate, [
      { egress: true, RuleNumber: 50, Protocol: '6', RuleAction: 'allow', PortRange: { From: 443, To: 443 } },
      { egress: true, RuleNumber: 100, Protocol: '-1', RuleAction: 'deny' },
      ALLOW_ALL_IN,
    ]);
    expect((await analyzeReachability(ec2, privatePath(network))).verdict).toBe('PASS');
  });

  it('FAILs a network ACL that denies the inbound return traffic on ephemeral ports', async () => {
    const aclId = await useNetworkAcl(network, firstPrivate, [
      ALLOW_ALL_OUT,
      { egress: false, RuleNumber: 100, Protocol: '6', RuleAction: 'deny', PortRange: { From: 1024, To: 65535 } },
      ALLOW_ALL_IN,
    ]);
    const verdict = await analyzeReachability(ec2, privatePath(network));
    expect(verdict).toMatchObject({ verdict: 'FAIL', hop: 'network-acl', resourceId: aclId });
    if (verdict.verdict === 'FAIL') expect(verdict.explanation).toMatch(/blocks inbound return traffic from the internet on ephemeral ports \(ports 1024-65535; rule 100 denies it\)/);
  });

  it('FAILs a network ACL that allows only part of the ephemeral range (the rest falls to the final * rule)', async () => {
    await useNetworkAcl(network, firstPrivate, [ALLOW_ALL_OUT, { egress: false, RuleNumber: 100, Protocol: '6', RuleAction: 'allow', PortRange: { From: 32768, To: 65535 } }]);
    const verdict = await analyzeReachability(ec2, privatePath(network));
    expect(verdict).toMatchObject({ verdict: 'FAIL', hop: 'network-acl' });
    if (verdict.verdict === 'FAIL') expect(verdict.explanation).toMatch(/ports 1024-32767; the final \* rule: nothing allows it/);
  });

  it("FAILs the NAT gateway subnet's network ACL when it blocks the way out", async () => {
    const natSubnet = network.natGateways[0]!.subnetId;
    const aclId = await useNetworkAcl(network, natSubnet, [
      { egress: true, RuleNumber: 100, Protocol: '6', RuleAction: 'deny', PortRange: { From: 443, To: 443 } },
      ALLOW_ALL_OUT,
      ALLOW_ALL_IN,
    ]);
    const verdict = await analyzeReachability(ec2, privatePath(network));
    expect(verdict).toMatchObject({ verdict: 'FAIL', hop: 'nat-network-acl', subnetId: firstPrivate, resourceId: aclId });
  });

  it('FAILs IPv6 without a ::/0 route to an egress-only internet gateway, and PASSes it with one', async () => {
    await emulator.freshAccount();
    const dual = await buildEgressNetwork(ec2, { ipv6: true });
    expect((await analyzeReachability(ec2, privatePath(dual, { ipv6: true }))).verdict).toBe('PASS');

    await ec2.send(new DeleteRouteCommand({ RouteTableId: dual.privateRouteTableIds[0], DestinationIpv6CidrBlock: '::/0' }));
    const verdict = await analyzeReachability(ec2, privatePath(dual, { ipv6: true }));
    expect(verdict).toMatchObject({ verdict: 'FAIL', hop: 'ipv6-route', subnetId: dual.privateSubnetIds[0], resourceId: dual.privateRouteTableIds[0] });
    if (verdict.verdict === 'FAIL') expect(verdict.explanation).toMatch(/IPv6 is on but rtb-\w+ has no ::\/0 route/);
    // the same network is fine when IPv6 is not asked for
    expect((await analyzeReachability(ec2, privatePath(dual, { ipv6: false }))).verdict).toBe('PASS');
  });

  it('is INCONCLUSIVE, not FAIL, when the default route goes to a transit gateway (beyond this analysis)', async () => {
    const tgw = await ec2.send(new CreateTransitGatewayCommand({}));
    const tgwId = tgw.TransitGateway!.TransitGatewayId!;
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: network.privateRouteTableIds[0], DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: tgwId }));
    const verdict = await analyzeReachability(ec2, privatePath(network));
    expect(verdict).toMatchObject({ verdict: 'INCONCLUSIVE', hop: 'default-route', resourceId: tgwId });
  });

  it('reports the first broken subnet when several are broken', async () => {
    await ec2.send(new DeleteRouteCommand({ RouteTableId: network.privateRouteTableIds[1], DestinationCidrBlock: '0.0.0.0/0' }));
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: network.natGateways[0]!.natGatewayId }));
    const verdict = await analyzeReachability(ec2, privatePath(network));
    expect(verdict).toMatchObject({ verdict: 'FAIL', subnetId: firstPrivate, hop: 'nat-gateway' });
    expect(verdict.paths[1]!.steps.at(-1)).toMatchObject({ hop: 'default-route', ok: false });
  });

  it('FAILs a subnet that does not exist', async () => {
    const verdict = await analyzeReachability(ec2, privatePath(network, { subnetIds: ['subnet-0123456789abcdef0'] }));
    expect(verdict).toMatchObject({ verdict: 'FAIL', hop: 'subnet', subnetId: 'subnet-0123456789abcdef0' });
  });
});

describe('reachability building blocks', () => {
  it('derives the probe port from the URL', () => {
    expect(probePort('https://aws.amazon.com/')).toBe(443);
    expect(probePort('http://example.com/health')).toBe(80);
    expect(probePort('https://example.com:8443/')).toBe(8443);
  });

  it('knows which CIDR covers which', () => {
    expect(cidrCovers('0.0.0.0/0', '0.0.0.0/0')).toBe(true);
    expect(cidrCovers('10.0.0.0/16', '10.0.16.0/20')).toBe(true);
    expect(cidrCovers('10.0.0.0/16', '10.1.0.0/24')).toBe(false);
    expect(cidrCovers('1.2.3.0/24', '0.0.0.0/0')).toBe(false);
  });

  it('evaluates network ACL rules in rule-number order, per port, whatever order they are listed in', () => {
    const entries: NetworkAclEntry[] = [
      { RuleNumber: 32767, Egress: false, Protocol: '-1', RuleAction: 'deny', CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 200, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: '0.0.0.0/0', PortRange: { From: 1024, To: 65535 } },
      { RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'deny', CidrBlock: '0.0.0.0/0', PortRange: { From: 3000, To: 3001 } },
      { RuleNumber: 90, Egress: false, Protocol: '17', RuleAction: 'deny', CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 80, Egress: false, Protocol: '-1', RuleAction: 'deny', CidrBlock: '203.0.113.0/24' },
    ];
    // UDP and partial-internet rules do not decide TCP to the whole internet; rule 100 does, for two ports
    expect(deniedPorts(entries, { egress: false, remote: '0.0.0.0/0', ports: [1024, 65535] })).toEqual({ ruleNumber: 100, ports: [3000, 3001] });
    expect(deniedPorts(entries, { egress: false, remote: '0.0.0.0/0', ports: [4000, 65535] })).toBeUndefined();
    expect(deniedPorts(entries, { egress: false, remote: '0.0.0.0/0', ports: [80, 80] })).toEqual({ ruleNumber: 32767, ports: [80, 80] });
  });
});
