import { createHash, randomBytes } from 'node:crypto';

/**
 * Regional NAT gateways, which moto 5.2.1 does not know (it ignores AvailabilityMode and fails a CreateNatGateway
 * without SubnetId with InvalidSubnetID.NotFound): the fault proxy answers those calls itself, in the shape the
 * EC2 API reference gives them, per moto account:
 *   - CreateNatGateway with AvailabilityMode=regional and VpcId: a NAT gateway of the VPC, no subnet, `pending`;
 *     idempotent by ClientToken as AWS documents it
 *     (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNatGateway.html);
 *     without AvailabilityZoneAddresses, AWS manages the addresses and the AZs (autoProvisionZones and
 *     autoScalingIps `enabled`: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGateway.html);
 *   - DescribeNatGateways: moto's answer, with the account's regional NAT gateways that match the request's ids
 *     and its vpc-id / nat-gateway-id / state filters added (tag filters are ignored, as moto ignores them);
 *     `available` from the first Describe on, like moto's own NAT gateways (tests inject `pending`); in automatic
 *     mode AWS gives it addresses in each AZ where the VPC has a subnet, listed per AZ in NatGatewayAddresses
 *     (NatGatewayAddress.AvailabilityZone, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGatewayAddress.html):
 *     the AZs come from the CreateSubnet calls the proxy saw, one AWS-managed address each, stable per NAT and AZ
 *     (a subnet's deletion is not followed);
 *   - DeleteNatGateway of a regional one: `deleted` at once (listed as such afterwards, like AWS for a while);
 *   - routes to one: moto keeps a route whose NatGatewayId it does not know, without its target. CreateRoute and
 *     ReplaceRoute reach moto and are remembered; DescribeRouteTables gets the target back (`blackhole` once the
 *     NAT gateway is deleted, as AWS shows it); DeleteRoute forgets it.
 * Everything else reaches moto unchanged.
 */
interface RegionalNat {
  readonly id: string;
  readonly vpcId: string;
  readonly clientToken: string | undefined;
  readonly tags: ReadonlyArray<readonly [string, string]>;
  readonly createTime: string;
  state: 'pending' | 'available' | 'deleted';
  deleteTime?: string;
}

interface RegionalNatAnswer {
  /** The whole answer, when the proxy must not forward the call. */
  readonly body?: string;
  /** Applied to moto's answer when the call was forwarded. */
  readonly merge?: (motoBody: string) => string;
}

const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

interface RouteToRegionalNat {
  readonly routeTableId: string;
  readonly destination: string;
  readonly natGatewayId: string;
}

export class RegionalNatGateways {
  private readonly byAccount = new Map<string, RegionalNat[]>();
  private readonly routesByAccount = new Map<string, RouteToRegionalNat[]>();
  /** account -> VPC -> the AZs it has subnets in, in the order they came. */
  private readonly subnetAzsByAccount = new Map<string, Map<string, string[]>>();

  /** What the proxy does with one EC2 call of `account`; undefined: forward it as it is. */
  answer(account: string, action: string, form: URLSearchParams): RegionalNatAnswer | undefined {
    const nats = this.natsOf(account);
    const routes = this.routesByAccount.get(account) ?? [];
    this.routesByAccount.set(account, routes);
    if (action === 'CreateSubnet') {
      this.rememberSubnetAz(account, form.get('VpcId') ?? '', form.get('AvailabilityZone') ?? '');
      return undefined;
    }
    if (['CreateRoute', 'ReplaceRoute', 'DeleteRoute'].includes(action)) {
      rememberRoute(routes, nats, action, form);
      return undefined;
    }
    if (action === 'DescribeRouteTables' && routes.length > 0) return { merge: (motoBody) => withRouteTargets(motoBody, routes, nats) };
    if (action === 'CreateNatGateway' && form.get('AvailabilityMode') === 'regional') return { body: this.create(nats, form) };
    if (action === 'DeleteNatGateway') {
      const nat = nats.find((candidate) => candidate.id === form.get('NatGatewayId'));
      if (!nat) return undefined;
      if (nat.state !== 'deleted') {
        nat.state = 'deleted';
        nat.deleteTime = new Date().toISOString();
      }
      return { body: `<DeleteNatGatewayResponse xmlns="${XMLNS}"><requestId>${requestId()}</requestId><natGatewayId>${nat.id}</natGatewayId></DeleteNatGatewayResponse>` };
    }
    if (action === 'DescribeNatGateways') {
      const matching = nats.filter((nat) => matches(nat, form));
      if (matching.length === 0) return undefined;
      for (const nat of matching) if (nat.state === 'pending') nat.state = 'available';
      const azs = this.subnetAzsByAccount.get(account);
      const items = matching.map((nat) => `<item>${natXml(nat, azs?.get(nat.vpcId) ?? [])}</item>`).join('');
      return { merge: (motoBody) => (motoBody.includes('<natGatewaySet/>') ? motoBody.replace('<natGatewaySet/>', `<natGatewaySet>${items}</natGatewaySet>`) : motoBody.replace('</natGatewaySet>', `${items}</natGatewaySet>`)) };
    }
    return undefined;
  }

  private rememberSubnetAz(account: string, vpcId: string, az: string): void {
    if (!vpcId || !az) return;
    const byVpc = this.subnetAzsByAccount.get(account) ?? new Map<string, string[]>();
    this.subnetAzsByAccount.set(account, byVpc);
    const azs = byVpc.get(vpcId) ?? [];
    if (!azs.includes(az)) byVpc.set(vpcId, [...azs, az]);
  }

  private natsOf(account: string): RegionalNat[] {
    let nats = this.byAccount.get(account);
    if (!nats) {
      nats = [];
      this.byAccount.set(account, nats);
    }
    return nats;
  }

  private create(nats: RegionalNat[], form: URLSearchParams): string {
    const clientToken = form.get('ClientToken') ?? undefined;
    let nat = clientToken ? nats.find((candidate) => candidate.clientToken === clientToken) : undefined;
    if (!nat) {
      nat = { id: `nat-${randomBytes(9).toString('hex').slice(0, 17)}`, vpcId: form.get('VpcId') ?? '', clientToken, tags: natTags(form), createTime: new Date().toISOString(), state: 'pending' };
      nats.push(nat);
    }
    const token = clientToken ? `<clientToken>${clientToken}</clientToken>` : '';
    return `<CreateNatGatewayResponse xmlns="${XMLNS}"><requestId>${requestId()}</requestId>${token}<natGateway>${natXml(nat)}</natGateway></CreateNatGatewayResponse>`;
  }
}

function rememberRoute(routes: RouteToRegionalNat[], nats: readonly RegionalNat[], action: string, form: URLSearchParams): void {
  const routeTableId = form.get('RouteTableId') ?? '';
  const destination = form.get('DestinationCidrBlock') ?? form.get('DestinationIpv6CidrBlock') ?? '';
  const known = routes.findIndex((route) => route.routeTableId === routeTableId && route.destination === destination);
  if (known >= 0) routes.splice(known, 1);
  const natGatewayId = form.get('NatGatewayId') ?? '';
  if (action !== 'DeleteRoute' && nats.some((nat) => nat.id === natGatewayId)) routes.push({ routeTableId, destination, natGatewayId });
}

/** Puts each remembered route's target back into moto's answer, where moto left the route without one. */
function withRouteTargets(body: string, routes: readonly RouteToRegionalNat[], nats: readonly RegionalNat[]): string {
  let patched = body;
  for (const route of routes) {
    const anchor = `<routeTableId>${route.routeTableId}</routeTableId><routeSet>`;
    const start = patched.indexOf(anchor);
    if (start < 0) continue;
    const end = patched.indexOf('</routeSet>', start);
    const deleted = nats.find((nat) => nat.id === route.natGatewayId)?.state === 'deleted';
    const section = patched
      .slice(start, end)
      .replace(
        new RegExp(`<destination(Cidr|Ipv6Cidr)Block>${escapeRegExp(route.destination)}</destination(Cidr|Ipv6Cidr)Block><origin>([^<]*)</origin><state>active</state>`),
        (_all, kind: string, _kind: string, origin: string) =>
          `<destination${kind}Block>${route.destination}</destination${kind}Block><natGatewayId>${route.natGatewayId}</natGatewayId><origin>${origin}</origin><state>${deleted ? 'blackhole' : 'active'}</state>`,
      );
    patched = patched.slice(0, start) + section + patched.slice(end);
  }
  return patched;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The tags of the request's TagSpecification for resource type `natgateway`. */
function natTags(form: URLSearchParams): Array<[string, string]> {
  const tags: Array<[string, string]> = [];
  for (let spec = 1; form.has(`TagSpecification.${spec}.ResourceType`); spec++) {
    if (form.get(`TagSpecification.${spec}.ResourceType`) !== 'natgateway') continue;
    for (let tag = 1; form.has(`TagSpecification.${spec}.Tag.${tag}.Key`); tag++) {
      tags.push([form.get(`TagSpecification.${spec}.Tag.${tag}.Key`) ?? '', form.get(`TagSpecification.${spec}.Tag.${tag}.Value`) ?? '']);
    }
  }
  return tags;
}

/** The query protocol's lists: `Name.1`, `Name.2`, ... */
function listOf(form: URLSearchParams, prefix: string): string[] {
  const values: string[] = [];
  for (let index = 1; form.has(`${prefix}.${index}`); index++) values.push(form.get(`${prefix}.${index}`) ?? '');
  return values;
}

function matches(nat: RegionalNat, form: URLSearchParams): boolean {
  const ids = listOf(form, 'NatGatewayId');
  if (ids.length > 0 && !ids.includes(nat.id)) return false;
  for (let filter = 1; form.has(`Filter.${filter}.Name`); filter++) {
    const values = listOf(form, `Filter.${filter}.Value`);
    const value = { 'vpc-id': nat.vpcId, 'nat-gateway-id': nat.id, state: nat.state }[form.get(`Filter.${filter}.Name`) ?? ''];
    if (value !== undefined && !values.includes(value)) return false;
  }
  return true;
}

/** One AWS-managed address per AZ, stable for a NAT gateway and an AZ; none once it is deleted. */
function addressesXml(nat: RegionalNat, azs: readonly string[]): string {
  if (nat.state === 'deleted' || azs.length === 0) return '<natGatewayAddressSet/>';
  const items = azs.map((az) => {
    const hash = createHash('sha256').update(`${nat.id}|${az}`).digest();
    const publicIp = `52.${hash[0] ?? 0}.${hash[1] ?? 0}.${1 + ((hash[2] ?? 0) % 254)}`;
    const allocationId = `eipalloc-${hash.toString('hex').slice(0, 17)}`;
    return `<item><allocationId>${allocationId}</allocationId><publicIp>${publicIp}</publicIp><availabilityZone>${az}</availabilityZone><isPrimary>true</isPrimary><status>succeeded</status></item>`;
  });
  return `<natGatewayAddressSet>${items.join('')}</natGatewayAddressSet>`;
}

function natXml(nat: RegionalNat, azs: readonly string[] = []): string {
  const tags = nat.tags.map(([key, value]) => `<item><key>${escapeXml(key)}</key><value>${escapeXml(value)}</value></item>`).join('');
  return [
    `<createTime>${nat.createTime}</createTime>`,
    nat.deleteTime ? `<deleteTime>${nat.deleteTime}</deleteTime>` : '',
    addressesXml(nat, azs),
    `<natGatewayId>${nat.id}</natGatewayId>`,
    `<state>${nat.state}</state>`,
    `<vpcId>${nat.vpcId}</vpcId>`,
    `<tagSet>${tags}</tagSet>`,
    '<connectivityType>public</connectivityType>',
    '<availabilityMode>regional</availabilityMode>',
    '<autoScalingIps>enabled</autoScalingIps>',
    '<autoProvisionZones>enabled</autoProvisionZones>',
  ].join('');
}

function requestId(): string {
  return `regional-nat-${randomBytes(6).toString('hex')}`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
