import {
  DescribeNetworkInterfacesCommand,
  DescribeInternetGatewaysCommand,
  DescribeSubnetsCommand,
  paginateDescribeEgressOnlyInternetGateways,
  paginateDescribeNetworkAcls,
  paginateDescribeSecurityGroups,
  type EC2Client,
  type EgressOnlyInternetGateway,
  type InternetGateway,
  type NatGateway,
  type NetworkAcl,
  type RouteTable,
  type NetworkInterface,
  type SecurityGroup,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { findAttachedInternetGateway } from '../network/find-internet-gateway';
import { natGatewaysOf } from '../network/find-nat-gateway';
import { effectiveRouteTable, routeTablesOf } from '../network/route-tables';
import { allPages } from '../shared/paginate';

export interface GroupLookup {
  readonly found: SecurityGroup[];
  readonly missing: string[];
}

/** The facts of the reachability analysis: Describe calls, each made once per VPC (or id) and cached for the whole analysis. */
export class NetworkView {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(private readonly ec2: EC2Client) {}

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.cache.get(key) as Promise<T> | undefined;
    if (!value) {
      value = load();
      this.cache.set(key, value);
    }
    return value;
  }

  async subnet(subnetId: string): Promise<Subnet | undefined> {
    return this.once(`subnet:${subnetId}`, async () => {
      const page = await this.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: [subnetId] }] }));
      return page.Subnets?.find((subnet) => subnet.SubnetId === subnetId);
    });
  }

  /** The subnet's explicitly associated table, else the VPC's main table. */
  async routeTableOf(subnet: Subnet): Promise<RouteTable | undefined> {
    const vpcId = subnet.VpcId ?? '';
    const tables = await this.once(`rtb:${vpcId}`, () => routeTablesOf(this.ec2, vpcId));
    return effectiveRouteTable(tables, subnet.SubnetId ?? '').table;
  }

  /** The subnet's associated network ACL (every subnet has exactly one), else the VPC's default ACL. */
  async networkAclOf(subnet: Subnet): Promise<NetworkAcl | undefined> {
    const vpcId = subnet.VpcId ?? '';
    const acls = await this.once(`acl:${vpcId}`, () => allPages(paginateDescribeNetworkAcls({ client: this.ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }), (page) => page.NetworkAcls));
    const associated = acls.find((acl) => acl.Associations?.some((association) => association.SubnetId === subnet.SubnetId));
    return associated ?? acls.find((acl) => acl.IsDefault === true);
  }

  async natGateway(vpcId: string, natGatewayId: string): Promise<NatGateway | undefined> {
    return (await this.natGateways(vpcId)).find((nat) => nat.NatGatewayId === natGatewayId);
  }

  /** Every NAT gateway of the VPC (one call for the whole analysis, and for a join's drift check after it). */
  async natGateways(vpcId: string): Promise<NatGateway[]> {
    return this.once(`nat:${vpcId}`, () => natGatewaysOf(this.ec2, vpcId));
  }

  /**
   * Every subnet of the VPC in one call, cached as `subnet()` would cache each: a join's drift check knows the VPC
   * before the analysis, which otherwise describes the function's and the NAT gateways' subnets one by one.
   */
  async preloadSubnets(vpcId: string): Promise<void> {
    const page = await this.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    for (const subnet of page.Subnets ?? []) {
      if (subnet.SubnetId) this.cache.set(`subnet:${subnet.SubnetId}`, Promise.resolve(subnet));
    }
  }

  /** A network interface a default route targets (a NAT instance's). */
  async networkInterface(networkInterfaceId: string): Promise<NetworkInterface | undefined> {
    return this.once(`eni:${networkInterfaceId}`, async () => {
      const page = await this.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'network-interface-id', Values: [networkInterfaceId] }] }));
      return page.NetworkInterfaces?.find((eni) => eni.NetworkInterfaceId === networkInterfaceId);
    });
  }

  /** The internet gateway attached to the VPC: a regional NAT gateway's way out. */
  async attachedInternetGateway(vpcId: string): Promise<InternetGateway | undefined> {
    return this.once(`igw-of:${vpcId}`, () => findAttachedInternetGateway(this.ec2, vpcId));
  }

  async internetGateway(internetGatewayId: string): Promise<InternetGateway | undefined> {
    return this.once(`igw:${internetGatewayId}`, async () => {
      const page = await this.ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'internet-gateway-id', Values: [internetGatewayId] }] }));
      return page.InternetGateways?.find((igw) => igw.InternetGatewayId === internetGatewayId);
    });
  }

  async egressOnlyInternetGateway(id: string): Promise<EgressOnlyInternetGateway | undefined> {
    // Listed whole and matched here: moto ignores filters on this call (EMULATOR.md).
    const all = await this.once('eigw', () => allPages(paginateDescribeEgressOnlyInternetGateways({ client: this.ec2 }, {}), (page) => page.EgressOnlyInternetGateways));
    return all.find((eigw) => eigw.EgressOnlyInternetGatewayId === id);
  }

  async securityGroups(groupIds: readonly string[]): Promise<GroupLookup> {
    if (groupIds.length === 0) return { found: [], missing: [] };
    const groups = await allPages(paginateDescribeSecurityGroups({ client: this.ec2 }, { Filters: [{ Name: 'group-id', Values: [...groupIds] }] }), (page) => page.SecurityGroups);
    const found = groups.filter((group) => group.GroupId && groupIds.includes(group.GroupId));
    return { found, missing: groupIds.filter((id) => !found.some((group) => group.GroupId === id)) };
  }
}
