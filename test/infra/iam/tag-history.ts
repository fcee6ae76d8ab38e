import type { RecordedCall } from './recorded-calls';

export type Tags = Readonly<Record<string, string>>;

/** A CloudWatch alarm's ARN in the simulation's account and region (iam-requests.ts ACCOUNT, REGION). */
export const alarmArn = (name: string): string => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;

/** The response element naming what an EC2 create made (EC2 API reference, each action's response). */
const CREATED_ID: Readonly<Record<string, string>> = {
  CreateVpc: 'vpcId',
  CreateSubnet: 'subnetId',
  CreateInternetGateway: 'internetGatewayId',
  CreateEgressOnlyInternetGateway: 'egressOnlyInternetGatewayId',
  AllocateAddress: 'allocationId',
  CreateNatGateway: 'natGatewayId',
  CreateRouteTable: 'routeTableId',
  CreateSecurityGroup: 'groupId',
  CreateVpcEndpoint: 'vpcEndpointId',
  CreateNetworkInterface: 'networkInterfaceId',
  CreateLaunchTemplate: 'launchTemplateId',
  CreateVpcBlockPublicAccessExclusion: 'exclusionId',
};

export function ec2Params(call: RecordedCall): URLSearchParams {
  return new URLSearchParams(call.details.requestBody);
}

/** `Prefix.1`, `Prefix.2`, ... of an EC2 query request. */
export function listParam(params: URLSearchParams, prefix: string): string[] {
  const values: string[] = [];
  for (let index = 1; params.has(`${prefix}.${index}`); index += 1) values.push(params.get(`${prefix}.${index}`) ?? '');
  return values;
}

/** The tags of `TagSpecification.N` (the create's own) or of `Tag.N` (CreateTags/DeleteTags). */
export function requestTags(params: URLSearchParams, prefix: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let index = 1; params.has(`${prefix}.${index}.Key`); index += 1) tags[params.get(`${prefix}.${index}.Key`) ?? ''] = params.get(`${prefix}.${index}.Value`) ?? '';
  return tags;
}

export function tagSpecificationTags(params: URLSearchParams): Record<string, string> {
  return requestTags(params, 'TagSpecification.1.Tag');
}

function xmlElement(xml: string, element: string): string | undefined {
  return new RegExp(`<${element}>([^<]+)</${element}>`).exec(xml)?.[1];
}

/** The id an EC2 create (or AssociateRouteTable) answered with. */
export function createdId(call: RecordedCall): string | undefined {
  const element = call.action === 'AssociateRouteTable' ? 'associationId' : CREATED_ID[call.action];
  return element && call.status < 300 ? xmlElement(call.details.responseBody, element) : undefined;
}

/**
 * The tags every resource had, call by call: replayed from the log (creates with TagSpecifications, CreateTags,
 * DeleteTags, Lambda CreateFunction's Tags), so a call is judged with its resources' tags at that moment. The
 * user's resources (created by the test's setup without tags) have none. Also remembers each route table
 * association's table and subnet, which DisassociateRouteTable authorizes against but does not name.
 */
export class TagHistory {
  private readonly tags = new Map<string, Record<string, string>>();
  private readonly associations = new Map<string, { routeTableId: string; subnetId: string }>();
  private readonly interfaces = new Map<string, { subnetId: string; vpcId: string }>();
  private readonly creates = new Map<string, URLSearchParams>();

  /** The request that created a resource (what a later call is authorized against but does not name). */
  createRequestOf(id: string): URLSearchParams {
    return this.creates.get(id) ?? new URLSearchParams();
  }

  tagsOf(id: string): Tags {
    return this.tags.get(id) ?? {};
  }

  association(associationId: string): { routeTableId: string; subnetId: string } {
    const found = this.associations.get(associationId);
    if (!found) throw new Error(`association ${associationId} was never made in this log`);
    return found;
  }

  /** Where a network interface was created: DeleteNetworkInterface is judged with its ec2:Subnet and ec2:Vpc. */
  placement(networkInterfaceId: string): { subnetId: string; vpcId: string } {
    const found = this.interfaces.get(networkInterfaceId);
    if (!found) throw new Error(`network interface ${networkInterfaceId} was never created in this log`);
    return found;
  }

  /** Applies what the call changed, once it has been judged. */
  apply(call: RecordedCall): void {
    if (call.status >= 300) return;
    if (call.service === 'ec2') this.applyEc2(call);
    if (call.service === 'autoscaling' && call.action === 'CreateAutoScalingGroup') {
      const params = ec2Params(call);
      this.tags.set(params.get('AutoScalingGroupName') ?? '', requestTags(params, 'Tags.member'));
    }
    if (call.service === 'monitoring' && call.action === 'PutMetricAlarm') {
      // The alarms are only ever created by PutMetricAlarm here (an update would ignore its Tags).
      const body = JSON.parse(call.details.requestBody) as { AlarmName: string; Tags?: Array<{ Key: string; Value: string }> };
      this.tags.set(alarmArn(body.AlarmName), Object.fromEntries((body.Tags ?? []).map((tag) => [tag.Key, tag.Value])));
    }
    if (call.service === 'lambda' && call.action === 'CreateFunction') {
      const body = JSON.parse(call.details.requestBody) as { FunctionName: string; Tags?: Record<string, string> };
      this.tags.set(body.FunctionName, { ...body.Tags });
    }
  }

  private applyEc2(call: RecordedCall): void {
    const params = ec2Params(call);
    const id = createdId(call);
    if (call.action === 'AssociateRouteTable' && id) {
      this.associations.set(id, { routeTableId: params.get('RouteTableId') ?? '', subnetId: params.get('SubnetId') ?? '' });
    } else if (id) {
      this.tags.set(id, tagSpecificationTags(params));
      this.creates.set(id, params);
    }
    if (call.action === 'CreateNetworkInterface') {
      const xml = call.details.responseBody;
      const eni = xmlElement(xml, 'networkInterfaceId');
      if (eni) this.interfaces.set(eni, { subnetId: xmlElement(xml, 'subnetId') ?? '', vpcId: xmlElement(xml, 'vpcId') ?? '' });
    }
    if (call.action === 'CreateTags' || call.action === 'DeleteTags') {
      const changed = requestTags(params, 'Tag');
      for (const resource of listParam(params, 'ResourceId')) {
        const current = { ...this.tags.get(resource) };
        for (const [key, value] of Object.entries(changed)) {
          if (call.action === 'CreateTags') current[key] = value;
          else delete current[key];
        }
        this.tags.set(resource, current);
      }
    }
  }
}
