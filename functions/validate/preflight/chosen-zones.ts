import { DescribeAvailabilityZonesCommand, type AvailabilityZone, type EC2Client } from '@aws-sdk/client-ec2';
import { InvalidRequest } from '../../shared/errors';
import { zoneOf, type Zone } from './availability-zones';
import { zoneLabel, zonesOffering } from './nat-instance-offerings';

const FIELD = 'network.availabilityZones';

/**
 * network.availabilityZones: the AZs the user chose, by name or by AZ ID ("AZ IDs",
 * https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html: in the oldest Regions a name maps
 * to a different physical AZ in each account, an ID does not), resolved against DescribeAvailabilityZones with AllAvailabilityZones, so
 * that an AZ the account has not opted into is named as such rather than as unknown. Each must be an AZ (not a
 * Local or Wavelength Zone) in state `available` and opted in (Amazon EC2 API reference, AvailabilityZone:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AvailabilityZone.html), and offer the NAT instance's
 * type when there is one. Refused naming the AZ and the fix; the order given is kept (it decides the CIDR plan).
 */
export async function resolveChosenZones(ec2: EC2Client, request: { readonly availabilityZones: readonly string[]; readonly azCount: number; readonly azCountGiven: boolean; readonly natInstanceType?: string }, region: string): Promise<Zone[]> {
  const chosen = request.availabilityZones;
  if (request.azCountGiven && request.azCount !== chosen.length) {
    throw new InvalidRequest(FIELD, `names ${chosen.length} AZ(s) (${chosen.join(', ')}) and network.azCount is ${request.azCount}: leave azCount out (the list defines it), or make them agree`);
  }
  const all = (await ec2.send(new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: true }))).AvailabilityZones ?? [];
  const usable = all.filter(isUsable).sort((a, b) => (a.ZoneName ?? '').localeCompare(b.ZoneName ?? ''));
  const choose = ` Choose among ${region}'s available AZs: ${usable.map(zoneLabel).join(', ')}`;
  const zones = chosen.map((wanted) => {
    const zone = all.find((candidate) => candidate.ZoneName === wanted || candidate.ZoneId === wanted);
    if (!zone) throw new InvalidRequest(FIELD, `${wanted} is not an AZ name or AZ ID of ${region} for this account.${choose}`, { availabilityZone: wanted });
    refuseUnusable(zone, wanted, region, choose);
    return zone;
  });
  const names = zones.map((zone) => zone.ZoneName ?? '');
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice) throw new InvalidRequest(FIELD, `names ${twice} twice (once by name, once by its AZ ID ${zones.find((zone) => zone.ZoneName === twice)?.ZoneId ?? ''}): name each AZ once`);
  if (request.natInstanceType) {
    const offered = await zonesOffering(ec2, request.natInstanceType);
    const lacking = zones.filter((zone) => !offered.has(zone.ZoneName ?? ''));
    if (lacking.length > 0) {
      throw new InvalidRequest(
        FIELD,
        `AWS would refuse to launch the NAT instances (${request.natInstanceType}) in ${lacking.map(zoneLabel).join(', ')}, which do not offer that type: choose AZs that do (${usable.filter((zone) => offered.has(zone.ZoneName ?? '')).map(zoneLabel).join(', ')}), another natInstanceType, or natGateways "per-az"`,
        { lacking: lacking.map((zone) => zone.ZoneName) },
      );
    }
  }
  return zones.map(zoneOf);
}

function isUsable(zone: AvailabilityZone): boolean {
  return zone.State === 'available' && (zone.ZoneType ?? 'availability-zone') === 'availability-zone' && zone.OptInStatus !== 'not-opted-in';
}

function refuseUnusable(zone: AvailabilityZone, wanted: string, region: string, choose: string): void {
  const label = zoneLabel(zone);
  if ((zone.ZoneType ?? 'availability-zone') !== 'availability-zone') {
    throw new InvalidRequest(FIELD, `${label} is a ${zone.ZoneType} (group ${zone.GroupName ?? '?'}), not an Availability Zone: lambda-egress builds its subnets and NATs in AZs.${choose}`, { availabilityZone: wanted, zoneType: zone.ZoneType });
  }
  if (zone.OptInStatus === 'not-opted-in') {
    throw new InvalidRequest(
      FIELD,
      `${label} needs opting in, and this account has not: opt in (aws ec2 modify-availability-zone-group --group-name ${zone.GroupName ?? zone.ZoneName} --opt-in-status opted-in --region ${region}), then run again.${choose}`,
      { availabilityZone: wanted, optInStatus: zone.OptInStatus },
    );
  }
  if (zone.State !== 'available') {
    throw new InvalidRequest(FIELD, `${label} is in state ${zone.State ?? 'unknown'}, not available: AWS may refuse new subnets and NAT gateways there.${choose}`, { availabilityZone: wanted, state: zone.State });
  }
}
