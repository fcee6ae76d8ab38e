import { DescribeAvailabilityZonesCommand, type AvailabilityZone, type EC2Client } from '@aws-sdk/client-ec2';
import { InvalidRequest } from '../../shared/errors';
import { zoneLabel, zonesOffering } from './nat-instance-offerings';

/**
 * The AZs a new network uses: the first `azCount` available ones (by name) that can host the request, so that
 * natGateways "instance" skips an AZ without the NAT instance's type instead of failing there after the VPC,
 * subnets and gateways exist. Refused, naming the AZs and why, when too few can.
 */
export async function chooseAvailabilityZones(ec2: EC2Client, request: { readonly azCount: number; readonly natInstanceType?: string }, region: string): Promise<Zone[]> {
  const zones = await availableZones(ec2);
  const names = zones.map((zone) => zone.ZoneName ?? '');
  if (request.azCount > zones.length) {
    throw new InvalidRequest('network.azCount', `${region} has ${zones.length} available AZ(s) (${names.join(', ')}): use an azCount from 1 to ${zones.length}`, { availabilityZones: names });
  }
  if (!request.natInstanceType) return zones.slice(0, request.azCount).map(zoneOf);
  const offered = await zonesOffering(ec2, request.natInstanceType);
  const hosting = zones.filter((zone) => offered.has(zone.ZoneName ?? ''));
  if (request.azCount > hosting.length) {
    const lacking = zones.filter((zone) => !offered.has(zone.ZoneName ?? '')).map(zoneLabel);
    throw new InvalidRequest(
      'network.azCount',
      `AWS would refuse to launch the NAT instances (${request.natInstanceType}) in ${lacking.join(', ')}, which do not offer that type, so ${region} has ${hosting.length} AZ(s) for them (${hosting.map(zoneLabel).join(', ')}): use an azCount from 1 to ${hosting.length}, another natInstanceType (aws ec2 describe-instance-type-offerings --location-type availability-zone --filters Name=instance-type,Values=${request.natInstanceType} --region ${region} lists where one is offered), or natGateways "per-az"`,
      { availabilityZones: hosting.map((zone) => zone.ZoneName), lacking },
    );
  }
  return hosting.slice(0, request.azCount).map(zoneOf);
}

/** An AZ as the normalised request keeps it: its name, and its ID when EC2 gives one. */
export interface Zone {
  readonly name: string;
  readonly id?: string;
}

export function zoneOf(zone: Pick<AvailabilityZone, 'ZoneName' | 'ZoneId'>): Zone {
  return { name: zone.ZoneName ?? '', ...(zone.ZoneId ? { id: zone.ZoneId } : {}) };
}

/**
 * Existing VPC with natGateways "instance": a NAT instance goes in each AZ of the VPC's subnets, so each must
 * offer the type.
 */
export async function checkZonesOfferNatInstance(ec2: EC2Client, azs: readonly string[], natInstanceType: string, vpcId: string, region: string): Promise<void> {
  const offered = await zonesOffering(ec2, natInstanceType);
  const lacking = azs.filter((az) => !offered.has(az));
  if (lacking.length === 0) return;
  const labels = (await availableZones(ec2)).filter((zone) => lacking.includes(zone.ZoneName ?? '')).map(zoneLabel);
  throw new InvalidRequest(
    'network.natInstanceType',
    `AWS would refuse to launch a NAT instance (${natInstanceType}) in ${(labels.length ? labels : lacking).join(', ')}, where ${vpcId} has subnets but that type is not offered: choose a type offered in every AZ of the VPC (aws ec2 describe-instance-type-offerings --location-type availability-zone --filters Name=instance-type,Values=<type> --region ${region}), or natGateways "per-az"`,
    { lacking },
  );
}

async function availableZones(ec2: EC2Client): Promise<AvailabilityZone[]> {
  const described = await ec2.send(
    new DescribeAvailabilityZonesCommand({
      Filters: [
        { Name: 'state', Values: ['available'] },
        { Name: 'zone-type', Values: ['availability-zone'] },
      ],
    }),
  );
  return (described.AvailabilityZones ?? [])
    .filter((zone) => zone.State === 'available' && (zone.ZoneType ?? 'availability-zone') === 'availability-zone' && zone.ZoneName)
    .sort((a, b) => (a.ZoneName ?? '').localeCompare(b.ZoneName ?? ''));
}
