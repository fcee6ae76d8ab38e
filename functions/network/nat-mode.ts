import type { AwsClients } from '../shared/clients';
import type { CostEstimate, CostLine, PriceTable } from '../shared/cost';
import type { LedgerEntry, NatGatewayMode } from '../shared/types';
import type { AuditedNatGateway, EnsureNatGatewayInput, NatGatewaySlice, NatPlacement, NatPlan, ZonalNatPlacement } from './types';

/**
 * One way of giving private subnets egress (the request's `natGateways`), in the spirit of aws-cdk's
 * `NatProvider`. A mode `<mode>` is three files of this folder, each exporting one part, and its value in the
 * schema's enum; the registries listing them (nat-modes.ts, nat-ensurers.ts, nat-lost-parts.ts) are generated
 * by build-nat-registries.ts (`npm run build:nat-registries`):
 *   - nat-mode-<mode>.ts             `natMode: NatMode`: the pure part. No AWS SDK command is imported by it, so
 *                                    any task may read it without its role being widened (test/infra/stack.test.ts
 *                                    derives each role's actions from what its code imports);
 *   - nat-mode-<mode>-ensure.ts      `ensureNat: EnsureZonalNat`: EnsureNatGateway's (create or find);
 *   - nat-mode-<mode>-lost-parts.ts  `discoverLostParts: DiscoverLostParts`: Rollback's.
 * Readiness is per kind of NAT target, not per mode (nat-readiness.ts, nat-targets.ts): CheckNatGateways'.
 */
export interface NatMode {
  /** The request schema's `natGateways` value. */
  readonly name: NatGatewayMode;
  /** What a private route of a NAT this mode creates targets (nat-targets.ts). */
  readonly target: NatTargetKind;
  /** The noun the CLI prints for one of its NATs. */
  readonly noun: 'NAT gateway' | 'NAT instance';

  /** What it creates: the NATs EnsureNatGateway's Map creates, from one public subnet per AZ (create mode). */
  placements(publicPlacements: readonly ZonalNatPlacement[]): NatPlacement[];
  /** Whether ValidateRequest plans public subnets (a regional NAT gateway needs none). */
  readonly needsPublicSubnets: boolean;
  /** Zonal NATs (one AZ each, AWS's default), or one regional NAT gateway spanning the VPC's AZs (no AZ of its own). */
  readonly availability: 'zonal' | 'regional';
  /**
   * One NAT serves every AZ of the network (single, regional): the one Elastic IP a user brings or a teardown
   * kept is that NAT's. Otherwise each AZ has its own NAT, and its address is the one of its AZ.
   */
  readonly servesAllAzs: boolean;
  /** The NATs a network of `azCount` AZs runs when provision is done. */
  natCount(azCount: number): number;

  /** Preflight: the Elastic IPs it holds (one per NAT that needs one). */
  elasticIps(azCount: number): number;
  /** Preflight: why that many, in the refusal's words. */
  elasticIpsWhy(azCount: number): string;
  /**
   * Preflight: the AZs (of the request, in order) where it would create a zonal NAT gateway, for the
   * NAT-gateways-per-AZ quota, given the live NAT gateways of the network's VPC it would use instead.
   */
  natGatewaysToCreate(azs: readonly string[], reused: ReusedNatGateways): string[];
  /** Preflight: it launches NAT instances, so every AZ must offer the instance type. */
  readonly launchesInstances: boolean;

  /** Audit of an existing VPC: the NAT each AZ that needs one gets (no usable regional NAT gateway exists). */
  auditNats(needsNat: readonly string[], vpc: AuditNatContext): Array<readonly [string, NatPlan]>;
  /** Plan of a new VPC: what it creates, in one line (cli/plan.ts). */
  describeCreate(network: { readonly azs: readonly string[]; readonly natInstanceType?: string }): string;
  /** Plan: where a private route table's 0.0.0.0/0 goes. */
  readonly routeTo: string;

  /** Price: the mode's monthly cost lines for a network of `azs` AZs and this traffic (mode-cost.ts). */
  costLines(input: { readonly azs: number; readonly gbPerMonth: number }, prices: PriceTable): CostLine[];
  /** Price: what `count` NATs of this mode cost a month: live (networks, release plan, function move) or planned (plan). */
  runningCost(input: { readonly count: number; readonly azCount: number; readonly gbPerMonth: number }, prices?: PriceTable): CostEstimate;
  /** Price: what it buys (plan's side-by-side table, the README's table of modes). */
  readonly facts: ModeFacts;
}

/** What a route to a NAT names: a NAT gateway (NatGatewayId) or a NAT instance's fixed network interface. */
export type NatTargetKind = 'nat-gateway' | 'nat-instance';

export interface ModeFacts {
  /** What an AZ failure does to egress. */
  readonly resilience: string;
  /** Throughput the mode can carry (AWS's published figures). */
  readonly bandwidth: string;
  /** When to choose it. */
  readonly choose: string;
}

/** The live public NAT gateways of the network's VPC (existing mode, or a join), which provision uses. */
interface ReusedNatGateways {
  readonly any: boolean;
  inAz(az: string): boolean;
}

/** What the audit knows when a mode places the NATs of an existing VPC's AZs. */
export interface AuditNatContext {
  readonly natGateways: readonly AuditedNatGateway[];
  /** The NATs the AZs already routed to a usable NAT use. */
  readonly known: ReadonlyMap<string, NatPlan>;
  /** A NAT in `az`: a usable one there, or a new one in a public subnet of it (found or planned); none when no public subnet fits. */
  newNatIn(az: string): NatPlan | undefined;
  existingNat(nat: AuditedNatGateway): NatPlan;
}

/** What EnsureNatGateway gives a mode's part. */
export type NatEnsureClients = Pick<AwsClients, 'ec2' | 'cloudwatch' | 'autoscaling'>;

/** A mode's EnsureNatGateway part: the NAT of one public subnet placement, found or created. */
export type EnsureZonalNat = (clients: NatEnsureClients, input: EnsureNatGatewayInput, placement: ZonalNatPlacement) => Promise<NatGatewaySlice>;

/** A mode's Rollback part: what a failed EnsureNatGateway of the mode may have created without its ledger entry reaching the state. */
export type DiscoverLostParts = (clients: Pick<AwsClients, 'ec2' | 'autoscaling'>, executionId: string) => Promise<LedgerEntry[]>;
