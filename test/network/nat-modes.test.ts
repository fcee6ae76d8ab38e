import schema from '../../functions/shared/request.schema.json';
import type { NatMode } from '../../functions/network/nat-mode';
import { NAT_ENSURERS } from '../../functions/network/nat-ensurers';
import { NAT_LOST_PARTS } from '../../functions/network/nat-lost-parts';
import { NAT_READINESS } from '../../functions/network/nat-readiness';
import { NAT_MODES, natModeOf } from '../../functions/network/nat-modes';
import { NAT_TARGETS, natTargetOf } from '../../functions/network/nat-targets';
import { isRegionalPlacement } from '../../functions/network/types';

/**
 * Every part of NatMode, as a record TypeScript checks against the interface: a part added to NatMode and not
 * listed here, or listed and gone, does not compile. Values: what the part is at run time.
 */
const PARTS = {
  name: 'string',
  target: 'string',
  noun: 'string',
  placements: 'function',
  needsPublicSubnets: 'boolean',
  natCount: 'function',
  elasticIps: 'function',
  elasticIpsWhy: 'function',
  natGatewaysToCreate: 'function',
  launchesInstances: 'boolean',
  availability: 'string',
  servesAllAzs: 'boolean',
  auditNats: 'function',
  describeCreate: 'function',
  routeTo: 'string',
  costLines: 'function',
  runningCost: 'function',
  facts: 'object',
} as const satisfies Record<keyof NatMode, 'string' | 'function' | 'boolean' | 'object'>;

/** The registered modes' missing parts, per registry: what a mode registered half-way leaves out. */
function missingParts(modes: readonly string[], registries: { readonly modes: Record<string, unknown>; readonly ensurers: Record<string, unknown>; readonly lostParts: Record<string, unknown> }): string[] {
  const missing: string[] = [];
  for (const name of modes) {
    const mode = registries.modes[name] as Record<string, unknown> | undefined;
    if (!mode) missing.push(`${name}: no module in nat-modes.ts`);
    for (const [part, kind] of Object.entries(PARTS)) if (mode && typeof mode[part] !== kind) missing.push(`${name}: part ${part} is not a ${kind}`);
    if (mode && mode.name !== name) missing.push(`${name}: its module calls itself ${String(mode.name)}`);
    if (mode && !Object.hasOwn(NAT_TARGETS, String(mode.target))) missing.push(`${name}: target ${String(mode.target)} is no NAT target`);
    if (typeof registries.ensurers[name] !== 'function') missing.push(`${name}: no ensurer in nat-ensurers.ts`);
    if (typeof registries.lostParts[name] !== 'function') missing.push(`${name}: no lost-parts discovery in nat-lost-parts.ts`);
  }
  for (const registry of Object.values(registries)) for (const name of Object.keys(registry)) if (!modes.includes(name)) missing.push(`${name}: registered but not in the schema's natGateways enum`);
  return missing;
}

const SCHEMA_MODES: string[] = schema.properties.network.properties.natGateways.enum;
const REGISTRIES = { modes: NAT_MODES, ensurers: NAT_ENSURERS, lostParts: NAT_LOST_PARTS };
const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

describe('NAT modes: one set of files per natGateways value (functions/network/nat-mode-<mode>*.ts)', () => {
  it("has a module with every part, an ensurer and a lost-parts discovery for every value of the schema's natGateways enum, and nothing else", () => {
    // GIVEN the schema's modes WHEN the registries are read THEN none lacks a part and none is extra
    expect(SCHEMA_MODES).toEqual(['per-az', 'single', 'regional', 'instance']);
    expect(missingParts(SCHEMA_MODES, REGISTRIES)).toEqual([]);
  });

  it('fails the check for a mode registered without one of its parts, or missing from a registry, or unknown to the schema (the check can fail)', () => {
    // GIVEN a planted mode "gateway-pool" in the schema, registered without its routeTo, no ensurer, and a stray registration
    const { routeTo: _routeTo, ...withoutRouteTo } = NAT_MODES['per-az'];
    const planted = {
      modes: { ...NAT_MODES, 'gateway-pool': { ...withoutRouteTo, name: 'gateway-pool' } },
      ensurers: NAT_ENSURERS,
      lostParts: { ...NAT_LOST_PARTS, 'gateway-pool': NAT_LOST_PARTS['per-az'], stray: NAT_LOST_PARTS['per-az'] },
    };
    // WHEN checked THEN each gap is named
    expect(missingParts([...SCHEMA_MODES, 'gateway-pool'], planted)).toEqual([
      'gateway-pool: part routeTo is not a string',
      'gateway-pool: no ensurer in nat-ensurers.ts',
      'stray: registered but not in the schema\'s natGateways enum',
    ]);
  });

  it('has a readiness check for every kind of NAT target a mode routes to', () => {
    expect(Object.keys(NAT_READINESS).sort()).toEqual(Object.keys(NAT_TARGETS).sort());
    for (const mode of Object.values(NAT_MODES)) expect([mode.name, typeof NAT_READINESS[mode.target]]).toEqual([mode.name, 'function']);
  });

  it('places one NAT per AZ (per-az, instance), one in the first AZ (single) or the regional one (regional), each priced and counted alike', () => {
    // GIVEN a public subnet in each of 3 AZs
    const publicPlacements = AZS.map((az, index) => ({ az, subnetId: `subnet-${index}` }));
    // WHEN each mode places its NATs
    const placed = Object.fromEntries(Object.values(NAT_MODES).map((mode) => [mode.name, mode.placements(publicPlacements)]));
    // THEN
    expect(placed['per-az']?.map((placement) => placement.az)).toEqual(AZS);
    expect(placed.instance?.map((placement) => placement.az)).toEqual(AZS);
    expect(placed.single).toEqual([{ az: 'us-east-1a', subnetId: 'subnet-0' }]);
    expect(placed.regional?.every(isRegionalPlacement)).toBe(true);
    // AND what is placed is what is counted, and the Elastic IPs follow (none for AWS-managed addresses)
    for (const mode of Object.values(NAT_MODES)) expect([mode.name, mode.natCount(AZS.length)]).toEqual([mode.name, placed[mode.name]?.length]);
    expect(Object.values(NAT_MODES).map((mode) => [mode.name, mode.elasticIps(AZS.length)])).toEqual([['per-az', 3], ['single', 1], ['regional', 0], ['instance', 3]]);
    // AND only a mode with public subnets to hold NATs plans them
    expect(Object.values(NAT_MODES).filter((mode) => !mode.needsPublicSubnets).map((mode) => mode.name)).toEqual(['regional']);
  });

  it("routes to a NAT gateway by NatGatewayId and to a NAT instance by its network interface; keeps another's NAT gateway route, and an interface route only when it is this network's NAT instance", () => {
    // GIVEN route targets of each kind and of none
    const gateway = natTargetOf('nat-0123456789abcdef0');
    const instanceEni = natTargetOf('eni-0123456789abcdef0');
    // THEN each is routed as its kind
    expect(gateway?.route('nat-0123456789abcdef0')).toEqual({ NatGatewayId: 'nat-0123456789abcdef0' });
    expect(instanceEni?.route('eni-0123456789abcdef0')).toEqual({ NetworkInterfaceId: 'eni-0123456789abcdef0' });
    expect(natTargetOf('igw-0123456789abcdef0')).toBeUndefined();
    expect(gateway?.keepsRoute('nat-0123456789abcdef0', [])).toBe(true);
    expect(instanceEni?.keepsRoute('eni-0123456789abcdef0', [])).toBe(false);
    expect(instanceEni?.keepsRoute('eni-0123456789abcdef0', ['eni-0123456789abcdef0'])).toBe(true);
    // AND the instance mode's NATs are routed as NAT instances, the others' as NAT gateways
    expect(Object.values(NAT_MODES).map((mode) => [mode.name, mode.target])).toEqual([['per-az', 'nat-gateway'], ['single', 'nat-gateway'], ['regional', 'nat-gateway'], ['instance', 'nat-instance']]);
  });

  it('counts for the NAT-gateways-per-AZ quota only the zonal NAT gateways a mode would create where the VPC has none to reuse', () => {
    const none = { any: false, inAz: () => false };
    const inB = { any: true, inAz: (az: string) => az === 'us-east-1b' };
    expect(natModeOf('per-az').natGatewaysToCreate(AZS, none)).toEqual(AZS);
    expect(natModeOf('per-az').natGatewaysToCreate(AZS, inB)).toEqual(['us-east-1a', 'us-east-1c']);
    expect(natModeOf('single').natGatewaysToCreate(AZS, none)).toEqual(['us-east-1a']);
    expect(natModeOf('single').natGatewaysToCreate(AZS, inB)).toEqual([]);
    expect(natModeOf('regional').natGatewaysToCreate(AZS, none)).toEqual([]);
    expect(natModeOf('instance').natGatewaysToCreate(AZS, none)).toEqual([]);
    // AND a record without a mode is read as the schema's default
    expect(natModeOf(undefined).name).toBe('per-az');
  });
});
