import {
  AssociateRouteTableCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateTagsCommand,
  type CreateRouteCommandInput,
  EC2Client,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { createClients, type AwsClients } from '../shared/clients';
import { ledgerEntry } from '../shared/ledger';
import { addedRoutes, createdBy, isManaged, markValue, TAG_ADDED_ROUTES, tagSpecifications } from '../shared/tags';
import { taskHandler } from '../shared/task-handler';
import type { LedgerEntry } from '../shared/types';
import { isOfNetwork, required, ROLE, subnetsOf, tagsFor } from './network-lookup';
import { associationOf, effectiveRouteTable, explicitRouteTable, IPV4_DEFAULT, IPV6_DEFAULT, routeTablesOf, routeTarget, routeTo } from './route-tables';
import { NAT_TARGETS, natTargetOf } from './nat-targets';
import { type NatGatewaySlice, type NetworkSubnet, type NetworkTaskInput, type PrivateRouteTable, type ReportedSubnet, type RouteTablesSlice } from './types';

/**
 * EnsureRouteTables, once the NAT gateways exist:
 *   - the network's public subnets (those lambda-egress created) on a lambda-egress public table:
 *     0.0.0.0/0 (and ::/0 with IPv6) -> the internet gateway;
 *   - each private subnet: 0.0.0.0/0 -> the NAT gateway of its own AZ (or the single one; a NAT instance's fixed
 *     ENI with natGateways "instance"), ::/0 -> the
 *     egress-only gateway with IPv6. A private subnet on the main table moves to a lambda-egress table of its AZ
 *     (the main table is never changed: every subnet without an association follows it); an isolated subnet on
 *     a table of its own gets the route added there.
 * Never rewrites a route: a default route that goes anywhere else is reported and its table left untouched.
 * Ledgers the tables, associations and routes this execution created (again on a retry).
 */
export async function ensureRouteTables(clients: Pick<AwsClients, 'ec2'>, input: NetworkTaskInput): Promise<RouteTablesSlice> {
  const run = await RouteTableRun.start(clients.ec2, input);
  await run.publicSubnets();
  await run.privateSubnets();
  return run.slice();
}

class RouteTableRun {
  private readonly ledger = new Map<string, LedgerEntry>();
  private readonly reported = new Map<string, ReportedSubnet>();
  private readonly publicTables = new Set<string>();
  private readonly privateTables: PrivateRouteTable[] = [];

  private constructor(
    private readonly ec2: EC2Client,
    private readonly input: NetworkTaskInput,
    private readonly tables: RouteTable[],
    private readonly ownSubnetIds: Set<string>,
    private readonly gatewaysOfThisExecution: Set<string>,
  ) {}

  static async start(ec2: EC2Client, input: NetworkTaskInput): Promise<RouteTableRun> {
    const vpcId = required(input.network?.vpc, 'network.vpc', 'EnsureVpc').vpcId;
    const networkName = input.request.network.name;
    const [tables, subnets] = [await routeTablesOf(ec2, vpcId), await subnetsOf(ec2, vpcId)];
    const ownSubnetIds = new Set(subnets.filter((subnet) => isOfNetwork(subnet.Tags, networkName)).map((subnet) => subnet.SubnetId ?? ''));
    const ledgered = [...(input.network?.natGateways ?? []).flatMap((nat) => nat.ledger), ...(input.network?.internetGateway?.ledger ?? [])];
    return new RouteTableRun(ec2, input, tables, ownSubnetIds, new Set(ledgered.map((entry) => entry.id)));
  }

  private get subnets(): NetworkSubnet[] {
    return required(this.input.network?.subnets, 'network.subnets', 'EnsureSubnets').subnets;
  }

  private get ipv6(): boolean {
    return this.input.request.network.ipv6;
  }

  /** Public subnets lambda-egress created go on its public table; anyone else's public subnets are left as they are. */
  async publicSubnets(): Promise<void> {
    const internetGatewayId = required(this.input.network?.internetGateway, 'network.internetGateway', 'EnsureInternetGateway').internetGatewayId;
    for (const subnet of this.subnets.filter((candidate) => candidate.tier === 'public')) {
      if (!this.ownSubnetIds.has(subnet.subnetId)) {
        const { table } = effectiveRouteTable(this.tables, subnet.subnetId);
        if (table?.RouteTableId) this.publicTables.add(table.RouteTableId);
        continue;
      }
      const current = explicitRouteTable(this.tables, subnet.subnetId);
      if (current && !this.isOwnTable(current, ROLE.publicRouteTable)) {
        this.report(subnet, current, `${subnet.subnetId} is associated with ${current.RouteTableId}, which lambda-egress did not create: left as it is`);
        continue;
      }
      const table = current ?? (await this.ownTable(ROLE.publicRouteTable, 'public'));
      this.ledgerTableIfOurs(table);
      const gateway = { GatewayId: internetGatewayId };
      const okV4 = await this.ensureRoute(table, IPV4_DEFAULT, internetGatewayId, gateway, subnet);
      if (okV4 && this.ipv6) await this.ensureRoute(table, IPV6_DEFAULT, internetGatewayId, gateway, subnet);
      if (okV4) {
        await this.ensureAssociation(table, subnet);
        this.publicTables.add(table.RouteTableId ?? '');
      }
    }
  }

  async privateSubnets(): Promise<void> {
    const natGateways = required(this.input.network?.natGateways, 'network.natGateways', 'EnsureNatGateway');
    const egressOnly = this.input.network?.internetGateway?.egressOnlyInternetGatewayId;
    for (const subnet of this.subnets.filter((candidate) => candidate.tier === 'private')) {
      const { table: routing, isMain } = effectiveRouteTable(this.tables, subnet.subnetId);
      const existing = routeTo(routing, IPV4_DEFAULT);
      let table = routing;
      let natTargetId: string;
      if (existing && routing) {
        const target = routeTarget(existing);
        const kept = natTargetOf(target)?.keepsRoute(target, natGateways.map((nat) => nat.natTargetId)) ?? false;
        if (!kept || existing.State === 'blackhole') {
          this.report(subnet, routing, `its default route goes to ${target}${existing.State === 'blackhole' ? ' (blackhole)' : ''}, which lambda-egress did not put there: ${routing.RouteTableId} is left as it is`);
          continue;
        }
        natTargetId = target;
        this.ledgerTableIfOurs(routing, subnet.az);
        this.ledgerRouteIfOurs(routing, IPV4_DEFAULT, target, subnet);
      } else {
        natTargetId = natFor(natGateways, subnet.az).natTargetId;
        // The main table is never changed: the subnet gets a lambda-egress table of its AZ instead.
        if (isMain || !routing) table = await this.ownTable(ROLE.privateRouteTable(subnet.az), `private-${subnet.az}`, subnet.az);
        else this.ledgerTableIfOurs(routing, subnet.az);
        // A NAT instance is routed to by its fixed ENI, which outlives any instance (ensure-nat-instance.ts).
        // What the route names is the NAT's kind's: NatGatewayId, or a NAT instance's NetworkInterfaceId (nat-targets.ts).
        const target = (natTargetOf(natTargetId) ?? NAT_TARGETS['nat-gateway']).route(natTargetId);
        await this.ensureRoute(required(table, `route table of ${subnet.subnetId}`, 'AWS'), IPV4_DEFAULT, natTargetId, target, subnet);
      }
      const final = required(table, `route table of ${subnet.subnetId}`, 'AWS');
      const finalIsMain = final.Associations?.some((association) => association.Main) ?? false;
      // A subnet already routed through the main table keeps it as it is, without ::/0 (the audit says so).
      if (this.ipv6 && egressOnly && subnet.ipv6Cidr && !finalIsMain) {
        await this.ensureRoute(final, IPV6_DEFAULT, egressOnly, { EgressOnlyInternetGatewayId: egressOnly }, subnet, { reportConflict: false });
      }
      // Associations are only ever made with lambda-egress's own tables (never with the main table).
      if (this.isOwnTable(final)) await this.ensureAssociation(final, subnet);
      this.recordPrivate(subnet, final.RouteTableId ?? '', natTargetId);
    }
  }

  slice(): RouteTablesSlice {
    // Existing mode: the subnets the audit already set aside (routed elsewhere) are part of the report too.
    const audit = this.input.network?.audit;
    for (const reported of audit?.mode === 'existing' ? audit.reported : []) if (!this.reported.has(reported.subnetId)) this.reported.set(reported.subnetId, reported);
    return {
      publicRouteTableIds: [...this.publicTables],
      privateRouteTables: this.privateTables,
      reported: [...this.reported.values()],
      ledger: [...this.ledger.values()],
    };
  }

  private isOwnTable(table: RouteTable, role?: string): boolean {
    return isOfNetwork(table.Tags, this.input.request.network.name, role);
  }

  private ledgerTableIfOurs(table: RouteTable, az?: string): void {
    if (createdBy(table.Tags, this.input.execution.id)) this.addLedger(ledgerEntry('route-table', table.RouteTableId ?? '', { ...(az ? { az } : {}), detail: { vpcId: table.VpcId ?? '' } }));
  }

  /** The network's table of a role, found by its tags or created (and ledgered). */
  private async ownTable(role: string, suffix: string, az?: string): Promise<RouteTable> {
    const executionId = this.input.execution.id;
    const candidates = this.tables.filter((table) => this.isOwnTable(table, role));
    let table = candidates.find((candidate) => createdBy(candidate.Tags, executionId)) ?? candidates.sort((a, b) => (a.RouteTableId ?? '').localeCompare(b.RouteTableId ?? ''))[0];
    if (!table) {
      const created = await this.ec2.send(
        new CreateRouteTableCommand({ VpcId: this.input.network?.vpc?.vpcId, TagSpecifications: tagSpecifications('route-table', tagsFor(this.input, role, suffix)) }),
      );
      table = { ...required(created.RouteTable, 'CreateRouteTable response RouteTable', 'CreateRouteTable'), Routes: created.RouteTable?.Routes ?? [], Associations: [] };
      this.tables.push(table);
    }
    this.ledgerTableIfOurs(table, az);
    return table;
  }

  /**
   * The route, created when absent. Present with the same target: kept (and ledgered when this execution put
   * it there). Present with another target: never rewritten — the subnet is reported. Returns false then.
   */
  private async ensureRoute(
    table: RouteTable,
    destination: string,
    targetId: string,
    target: Partial<CreateRouteCommandInput>,
    subnet: NetworkSubnet,
    options = { reportConflict: true },
  ): Promise<boolean> {
    const routeTableId = table.RouteTableId ?? '';
    const existing = routeTo(table, destination);
    if (existing) {
      const current = routeTarget(existing);
      if (current === targetId) {
        this.ledgerRouteIfOurs(table, destination, current, subnet);
        return true;
      }
      if (options.reportConflict) this.report(subnet, table, `${destination} in ${routeTableId} already goes to ${current}, which lambda-egress does not rewrite`);
      return false;
    }
    const ipv6 = destination.includes(':');
    if (!isManaged(table.Tags)) await this.markUserTable(table, destination);
    await this.ec2.send(new CreateRouteCommand({ RouteTableId: routeTableId, ...(ipv6 ? { DestinationIpv6CidrBlock: destination } : { DestinationCidrBlock: destination }), ...target }));
    table.Routes = [...(table.Routes ?? []), { ...(ipv6 ? { DestinationIpv6CidrBlock: destination } : { DestinationCidrBlock: destination }), ...target, State: 'active' }];
    this.addLedger(routeEntry(routeTableId, destination, subnet.az));
    return true;
  }

  /**
   * Marks a table lambda-egress did not create with the destination it is about to add there, before adding
   * it: the mark is what lets Rollback delete that route on AWS (IAM conditions DeleteRoute on it), and a crash
   * between the two calls leaves a mark without a route, which harms nothing.
   */
  private async markUserTable(table: RouteTable, destination: string): Promise<void> {
    const current = addedRoutes(table.Tags);
    if (current.includes(destination)) return;
    const value = markValue(current, { add: destination });
    await this.ec2.send(new CreateTagsCommand({ Resources: [table.RouteTableId ?? ''], Tags: [{ Key: TAG_ADDED_ROUTES, Value: value }] }));
    table.Tags = [...(table.Tags ?? []).filter((tag) => tag.Key !== TAG_ADDED_ROUTES), { Key: TAG_ADDED_ROUTES, Value: value }];
  }

  /**
   * A retry finds its own earlier routes: in a table this execution created, to a gateway it created, or
   * (existing mode) a default route the audit saw missing from this subnet's table.
   */
  private ledgerRouteIfOurs(table: RouteTable, destination: string, target: string, subnet: NetworkSubnet): void {
    const routeTableId = table.RouteTableId ?? '';
    const audit = this.input.network?.audit;
    const audited = audit?.mode === 'existing' ? audit.subnets.find((candidate) => candidate.subnetId === subnet.subnetId) : undefined;
    const missingAtAudit = audited?.routeTableId === routeTableId && (destination === IPV4_DEFAULT ? !audited.defaultRouteTarget : !audited.ipv6DefaultRouteTarget);
    if (createdBy(table.Tags, this.input.execution.id) || this.gatewaysOfThisExecution.has(target) || missingAtAudit) {
      this.addLedger(routeEntry(routeTableId, destination, subnet.az));
    }
  }

  private async ensureAssociation(table: RouteTable, subnet: NetworkSubnet): Promise<void> {
    const routeTableId = table.RouteTableId ?? '';
    let associationId = associationOf(table, subnet.subnetId);
    if (associationId) {
      if (!createdBy(table.Tags, this.input.execution.id)) return;
    } else {
      const associated = await this.ec2.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnet.subnetId }));
      associationId = required(associated.AssociationId, 'AssociateRouteTable AssociationId', 'AssociateRouteTable');
      table.Associations = [...(table.Associations ?? []), { RouteTableAssociationId: associationId, RouteTableId: routeTableId, SubnetId: subnet.subnetId, Main: false }];
    }
    this.addLedger(ledgerEntry('route-table-association', associationId, { az: subnet.az, detail: { routeTableId, subnetId: subnet.subnetId } }));
  }

  private recordPrivate(subnet: NetworkSubnet, routeTableId: string, natTargetId: string): void {
    const known = this.privateTables.find((table) => table.routeTableId === routeTableId && table.az === subnet.az);
    if (known) known.subnetIds.push(subnet.subnetId);
    else this.privateTables.push({ az: subnet.az, routeTableId, subnetIds: [subnet.subnetId], natTargetId: natTargetId });
  }

  private report(subnet: NetworkSubnet, table: RouteTable, reason: string): void {
    const target = routeTo(table, IPV4_DEFAULT);
    this.reported.set(subnet.subnetId, { subnetId: subnet.subnetId, routeTableId: table.RouteTableId ?? '', target: target ? routeTarget(target) : 'none', reason });
  }

  private addLedger(entry: LedgerEntry): void {
    const key = `${entry.kind}:${entry.id}`;
    if (!this.ledger.has(key)) this.ledger.set(key, entry);
  }
}

/** The NAT of the subnet's AZ; else (natGateways "single", or no room for one in that AZ) the first one. */
function natFor(natGateways: readonly NatGatewaySlice[], az: string): NatGatewaySlice {
  const nat = natGateways.find((candidate) => candidate.az === az) ?? natGateways[0];
  return required(nat, `a NAT gateway for ${az}`, 'EnsureNatGateway');
}

function routeEntry(routeTableId: string, destination: string, az: string): LedgerEntry {
  return ledgerEntry('route', `${routeTableId}:${destination}`, { az, detail: { routeTableId, destination } });
}

const clients = createClients({ ec2: EC2Client });
export const handler = taskHandler('EnsureRouteTables', (input: NetworkTaskInput) => ensureRouteTables(clients, input));
