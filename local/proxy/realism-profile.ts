import { functionNameOf, mulberry32, natParameters, parseJson, removeItems, type VpcConfigJson } from './realism-helpers';

/**
 * The emulator's realism profile: moto answers every call at once and consistently, AWS does not. Switched on
 * for one account (emulator.realism in tests, `--local --aws-realism` in the CLI), the fault proxy answers that
 * account's calls as AWS documents it does (docs/aws-behaviour.md has the table). Count-based, never time-based
 * (a local run skips waits, so "for a while" is "for the next N answers"), and seeded: the same seed and the same
 * calls give the same answers.
 */

/** What the proxy knows of one call: enough to tell which resources it names. */
export interface RealismCall {
  readonly service: string;
  readonly action: string;
  /** Query parameters (EC2, IAM: the form body and the query string). */
  readonly query: URLSearchParams;
  /** The URL path (Lambda's REST routes carry the function name). */
  readonly path: string;
  /** A JSON body (Lambda, DynamoDB), or undefined. */
  readonly json: unknown;
}

/** An error to answer instead of forwarding the call. */
interface RealismAnswer {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  /** Which behaviour of the table answered (the call log records it). */
  readonly behaviour: RealismBehaviour;
}

type RealismBehaviour = 'idempotency-mismatch' | 'not-found-after-create' | 'nat-not-listed-yet' | 'eni-lingers' | 'eip-auth-failure' | 'iam-propagation' | 'transient-5xx';

export interface RealismSettings {
  readonly seed: number;
}

/**
 * EC2's eventual consistency (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html): a call
 * naming a resource created a moment ago can answer that it does not exist. Keyed by the id's prefix.
 */
const NOT_FOUND_CODE: ReadonlyArray<readonly [string, string]> = [
  ['vpc-', 'InvalidVpcID.NotFound'],
  ['subnet-', 'InvalidSubnetID.NotFound'],
  ['rtb-', 'InvalidRouteTableID.NotFound'],
  ['igw-', 'InvalidInternetGatewayID.NotFound'],
  ['sg-', 'InvalidGroup.NotFound'],
  ['eipalloc-', 'InvalidAllocationID.NotFound'],
  ['nat-', 'NatGatewayNotFound'],
];

/** The creates whose new id the profile hides for a while, and where their answer carries it. */
const CREATED_ID: Readonly<Record<string, RegExp>> = {
  CreateVpc: /<vpcId>(vpc-[0-9a-f]+)<\/vpcId>/,
  CreateSubnet: /<subnetId>(subnet-[0-9a-f]+)<\/subnetId>/,
  CreateSecurityGroup: /<groupId>(sg-[0-9a-f]+)<\/groupId>/,
  CreateRouteTable: /<routeTableId>(rtb-[0-9a-f]+)<\/routeTableId>/,
  CreateInternetGateway: /<internetGatewayId>(igw-[0-9a-f]+)<\/internetGatewayId>/,
  AllocateAddress: /<allocationId>(eipalloc-[0-9a-f]+)<\/allocationId>/,
  CreateNatGateway: /<natGatewayId>(nat-[0-9a-f]+)<\/natGatewayId>/,
};

/**
 * One transient server error per service, with the code AWS documents for it: EC2 InternalError
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html#api-error-codes-table-server),
 * Lambda ServiceException (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html#API_UpdateFunctionConfiguration_Errors),
 * IAM ServiceFailure (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html#API_AttachRolePolicy_Errors),
 * DynamoDB InternalServerError (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html),
 * CloudWatch InternalServiceFault (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html),
 * Auto Scaling InternalFailure (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/CommonErrors.html).
 */
const TRANSIENT: Readonly<Record<string, { readonly code: string; readonly status: number }>> = {
  ec2: { code: 'InternalError', status: 500 },
  lambda: { code: 'ServiceException', status: 500 },
  iam: { code: 'ServiceFailure', status: 500 },
  dynamodb: { code: 'InternalServerError', status: 500 },
  monitoring: { code: 'InternalServiceFault', status: 500 },
  autoscaling: { code: 'InternalFailure', status: 500 },
};

/** Query parameters that never name an existing resource (a filter leaves a fresh one out instead, see natsNotListed). */
const NOT_A_NAMING_PARAMETER = /^(Action|Version|ClientToken|Filter\.|TagSpecification\.|Description|GroupName|CidrBlock|DryRun)/;

export class RealismProfile {
  private readonly random: () => number;
  /**
   * Fresh id -> for how many more of the account's EC2 calls it is not yet visible. Counted in calls of the
   * account, not of the id: AWS's window is time, which passes for every resource at once.
   */
  private readonly notFound = new Map<string, number>();
  /** Fresh NAT gateways the next listing Describe leaves out. */
  private readonly natsNotListed = new Set<string>();
  /** Subnet/group id -> how many more DeleteSubnet/DeleteSecurityGroup answers are DependencyViolation. */
  private readonly lingering = new Map<string, number>();
  /** The VpcConfig each function has, as the proxy saw it set. */
  private readonly functionNetworks = new Map<string, readonly string[]>();
  /** NAT gateway -> its Elastic IP's allocation id; allocations whose NAT just went answer AuthFailure once. */
  private readonly natAllocations = new Map<string, string>();
  private readonly authFailureOnce = new Set<string>();
  private iamJustAttached = false;
  /** CreateNatGateway's ClientToken -> the parameters it came with and AWS's answer (moto ignores the token). */
  private readonly natTokens = new Map<string, { readonly parameters: string; readonly body: string }>();
  /** Service -> the call (1-based, counted from the switch-on) that answers its one transient 5xx. */
  private readonly transientAt = new Map<string, number>();
  private readonly callsOf = new Map<string, number>();

  constructor(readonly settings: RealismSettings) {
    this.random = mulberry32(settings.seed);
  }

  /**
   * The answer a retried CreateNatGateway gets when its ClientToken was seen: the first call's, as AWS makes it
   * idempotent (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html).
   */
  replayed(call: RealismCall): string | undefined {
    if (call.service !== 'ec2' || call.action !== 'CreateNatGateway') return undefined;
    const seen = this.natTokens.get(call.query.get('ClientToken') ?? '');
    return seen && seen.parameters === natParameters(call.query) ? seen.body : undefined;
  }

  /** An error to answer instead of moto, or undefined to forward the call. */
  before(call: RealismCall): RealismAnswer | undefined {
    return this.transient(call) ?? (call.service === 'ec2' ? this.ec2Before(call) : call.service === 'lambda' ? this.lambdaBefore(call) : undefined);
  }

  /** The behaviour that rewrote the last answer `after` returned changed, read once by the proxy's call log. */
  lastRewrite: RealismBehaviour | undefined;

  /** Learns from moto's answer (what was created, deleted, attached) and returns the body to send, possibly rewritten. */
  after(call: RealismCall, status: number, body: string): string {
    if (status !== 200 && status !== 201 && status !== 204) return body;
    if (call.service === 'iam' && call.action === 'AttachRolePolicy') this.iamJustAttached = true;
    if (call.service === 'lambda') this.lambdaAfter(call, body);
    if (call.service !== 'ec2') return body;
    const created = CREATED_ID[call.action]?.exec(body)?.[1];
    if (created) {
      // "might not have propagated throughout the system": for the next one or two EC2 calls, as the seed decides.
      this.notFound.set(created, 1 + this.pick(2));
      if (call.action === 'CreateNatGateway') {
        const clientToken = call.query.get('ClientToken');
        if (clientToken) this.natTokens.set(clientToken, { parameters: natParameters(call.query), body });
        this.natsNotListed.add(created);
        const allocation = call.query.get('AllocationId');
        if (allocation) this.natAllocations.set(created, allocation);
      }
    }
    if (call.action === 'DeleteNatGateway') {
      const allocation = this.natAllocations.get(call.query.get('NatGatewayId') ?? '');
      if (allocation) this.authFailureOnce.add(allocation);
    }
    if (call.action === 'DescribeNatGateways') {
      // NAT gateways created before the profile was switched on: their Elastic IPs, from the listing.
      removeItems(body, 'natGatewaySet', (item) => {
        const nat = /<natGatewayId>(nat-[0-9a-f]+)<\/natGatewayId>/.exec(item.replace(/<natGatewayAddressSet>[\s\S]*?<\/natGatewayAddressSet>/, ''))?.[1];
        const allocation = /<allocationId>(eipalloc-[0-9a-f]+)<\/allocationId>/.exec(item)?.[1];
        if (nat && allocation && !this.natAllocations.has(nat)) this.natAllocations.set(nat, allocation);
        return false;
      });
    }
    if (call.action === 'DescribeNatGateways' && this.natsNotListed.size > 0) {
      const rewritten = this.leaveOutFreshNats(call, body);
      if (rewritten !== body) this.lastRewrite = 'nat-not-listed-yet';
      return rewritten;
    }
    return body;
  }

  private transient(call: RealismCall): RealismAnswer | undefined {
    const shape = TRANSIENT[call.service];
    if (!shape) return undefined;
    const count = (this.callsOf.get(call.service) ?? 0) + 1;
    this.callsOf.set(call.service, count);
    let at = this.transientAt.get(call.service);
    if (at === undefined) {
      // Somewhere among the service's first four calls of the run.
      at = 1 + this.pick(4);
      this.transientAt.set(call.service, at);
    }
    if (count !== at) return undefined;
    return { ...shape, message: `We encountered an internal error. Please try again. (realism profile: ${call.service}'s one transient error)`, behaviour: 'transient-5xx' };
  }

  private ec2Before(call: RealismCall): RealismAnswer | undefined {
    const answer = this.ec2Answer(call);
    for (const [id, left] of this.notFound) {
      if (left <= 1) this.notFound.delete(id);
      else this.notFound.set(id, left - 1);
    }
    return answer;
  }

  private ec2Answer(call: RealismCall): RealismAnswer | undefined {
    const token = call.action === 'CreateNatGateway' ? this.natTokens.get(call.query.get('ClientToken') ?? '') : undefined;
    if (token && token.parameters !== natParameters(call.query)) {
      return { code: 'IdempotentParameterMismatch', status: 400, message: 'The client token you have provided is associated with a resource that is already deleted or with different parameters', behaviour: 'idempotency-mismatch' };
    }
    for (const [key, value] of call.query) {
      if (NOT_A_NAMING_PARAMETER.test(key)) continue;
      if (!this.notFound.has(value)) continue;
      // CreateRoute names a NAT gateway as a route target: EC2 answers InvalidNatGatewayID.NotFound there.
      const code = value.startsWith('nat-') && /Route$/.test(call.action) ? 'InvalidNatGatewayID.NotFound' : (NOT_FOUND_CODE.find(([prefix]) => value.startsWith(prefix))?.[1] ?? 'InvalidID');
      return { code, status: 400, message: `The ID '${value}' does not exist (realism profile: created a moment ago, not yet visible to ${call.action})`, behaviour: 'not-found-after-create' };
    }
    if (call.action === 'DeleteSubnet' || call.action === 'DeleteSecurityGroup') {
      const id = call.query.get(call.action === 'DeleteSubnet' ? 'SubnetId' : 'GroupId') ?? '';
      const left = this.lingering.get(id) ?? 0;
      if (left > 0) {
        this.lingering.set(id, left - 1);
        // Lambda's Hyperplane ENIs outlive the function's VpcConfig (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-enis).
        return { code: 'DependencyViolation', status: 400, message: `The ${call.action === 'DeleteSubnet' ? 'subnet' : 'security group'} '${id}' has dependencies and cannot be deleted (realism profile: a Lambda ENI still in it)`, behaviour: 'eni-lingers' };
      }
    }
    if (call.action === 'ReleaseAddress') {
      const allocation = call.query.get('AllocationId') ?? '';
      if (this.authFailureOnce.delete(allocation)) {
        // Seen right after the NAT gateway holding the address is deleted (kubernetes/kops#938, #1604).
        return { code: 'AuthFailure', status: 400, message: `You do not have permission to access the specified resource (realism profile: ${allocation}'s NAT gateway was just deleted)`, behaviour: 'eip-auth-failure' };
      }
    }
    return undefined;
  }

  private lambdaBefore(call: RealismCall): RealismAnswer | undefined {
    if (call.action !== 'UpdateFunctionConfiguration' || !this.iamJustAttached) return undefined;
    const config = (call.json as { VpcConfig?: { SubnetIds?: string[] } } | undefined)?.VpcConfig;
    if (!config?.SubnetIds?.length) return undefined;
    this.iamJustAttached = false;
    // IAM is eventually consistent (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency):
    // the policy attached a moment ago has not reached Lambda yet.
    return {
      code: 'InvalidParameterValueException',
      status: 400,
      message: 'The provided execution role does not have permissions to call CreateNetworkInterface on EC2',
      behaviour: 'iam-propagation',
    };
  }

  /** Tracks each function's subnets and groups; those a function leaves keep its ENIs for a while. */
  private lambdaAfter(call: RealismCall, body: string): void {
    const name = functionNameOf(call.path);
    if (!name) return;
    if ((call.action === 'GetFunctionConfiguration' || call.action === 'GetFunction') && !this.functionNetworks.has(name)) {
      // A function placed before the profile was switched on: learnt from what Lambda says of it.
      const answer = parseJson(body) as { VpcConfig?: VpcConfigJson; Configuration?: { VpcConfig?: VpcConfigJson } } | undefined;
      const config = answer?.VpcConfig ?? answer?.Configuration?.VpcConfig;
      if (config) this.functionNetworks.set(name, [...(config.SubnetIds ?? []), ...(config.SecurityGroupIds ?? [])]);
      return;
    }
    if (call.action === 'DeleteFunction') {
      this.linger(this.functionNetworks.get(name) ?? []);
      this.functionNetworks.delete(name);
      return;
    }
    if (call.action !== 'UpdateFunctionConfiguration' && call.action !== 'CreateFunction') return;
    const config = (call.json as { VpcConfig?: { SubnetIds?: string[]; SecurityGroupIds?: string[] } } | undefined)?.VpcConfig;
    if (!config) return;
    const now = [...(config.SubnetIds ?? []), ...(config.SecurityGroupIds ?? [])];
    const before = this.functionNetworks.get(name) ?? [];
    this.linger(before.filter((id) => !now.includes(id)));
    this.functionNetworks.set(name, now);
  }

  private linger(ids: readonly string[]): void {
    for (const id of ids) this.lingering.set(id, 1 + this.pick(3));
  }

  /** A NAT gateway created a moment ago is missing from the first Describe that would list it. */
  private leaveOutFreshNats(call: RealismCall, body: string): string {
    const named = new Set([...call.query].filter(([key]) => key.startsWith('NatGatewayId')).map(([, value]) => value));
    return removeItems(body, 'natGatewaySet', (item) => {
      const id = /<natGatewayId>(nat-[0-9a-f]+)<\/natGatewayId>/.exec(item.replace(/<natGatewayAddressSet>[\s\S]*?<\/natGatewayAddressSet>/, ''))?.[1];
      if (!id || named.has(id) || !this.natsNotListed.has(id)) return false;
      this.natsNotListed.delete(id);
      return true;
    });
  }

  /** 0 .. n-1, from the seed. */
  private pick(n: number): number {
    return Math.floor(this.random() * n);
  }
}
