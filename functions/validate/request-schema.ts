import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../shared/request.schema.json';
import { InvalidRequest } from '../shared/errors';
import type { ProvisionRequest } from '../shared/request.generated';
import type { NatGatewayMode, RequestNetwork } from '../shared/types';

/**
 * The request schema (functions/shared/request.schema.json) as ValidateRequest applies it: every violation (one per
 * field) becomes part of one InvalidRequest naming the fields and saying what would be valid; defaults come from the schema's
 * own `default` keywords, so the documentation and the behaviour cannot drift apart.
 */

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
const validateSchema = ajv.compile(schema);

/**
 * The request after the schema check, defaults filled: the schema's type (request.generated.ts) with the fields
 * that get a default made required. The others stay as given (natInstanceType: ValidateRequest defaults it with
 * natGateways "instance" and refuses it with the other modes; keepEgressIps: present, true, only when asked for).
 * `cidrGiven`/`azCountGiven` say what the user chose.
 */
export interface SchemaCheckedRequest extends Required<Omit<ProvisionRequest, 'network' | 'probe'>> {
  readonly network: Required<Omit<RequestNetwork, OptionalNetworkField>> &
    Pick<RequestNetwork, OptionalNetworkField> & { readonly cidrGiven: boolean; readonly azCountGiven: boolean };
  readonly probe: Required<NonNullable<ProvisionRequest['probe']>>;
}

type OptionalNetworkField = 'vpcId' | 'availabilityZones' | 'natInstanceType' | 'allowedFunctions' | 'eipAllocationIds' | 'keepEgressIps';

const networkDefaults = schema.properties.network.properties;
const probeDefaults = schema.properties.probe.properties;

/** The defaults of the schema, as the normalised request uses them. */
export const REQUEST_DEFAULTS = {
  network: {
    name: networkDefaults.name.default,
    cidr: networkDefaults.cidr.default,
    azCount: networkDefaults.azCount.default,
    natGateways: networkDefaults.natGateways.default as NatGatewayMode,
    ipv6: networkDefaults.ipv6.default,
    s3Endpoint: networkDefaults.s3Endpoint.default,
    alarms: networkDefaults.alarms.default,
    deleteWhenUnused: networkDefaults.deleteWhenUnused.default,
  },
  probe: { url: probeDefaults.url.default, timeoutSeconds: probeDefaults.timeoutSeconds.default, expectedStatuses: probeDefaults.expectedStatuses.default },
  detachVpcAccessPolicy: schema.properties.detachVpcAccessPolicy.default,
  forceDetachVpcAccessPolicy: schema.properties.forceDetachVpcAccessPolicy.default,
  keepNarrowEniPolicy: schema.properties.keepNarrowEniPolicy.default,
  moveFromVpc: schema.properties.moveFromVpc.default,
} as const;

export function checkRequestSchema(raw: unknown): SchemaCheckedRequest {
  if (!validateSchema(raw)) throw allViolations(validateSchema.errors ?? [], raw);
  const request = raw as unknown as ProvisionRequest;
  const network = request.network ?? {};
  const probe = request.probe ?? {};
  const defaults = REQUEST_DEFAULTS;
  return {
    functionName: request.functionName,
    network: {
      name: network.name ?? defaults.network.name,
      ...(network.vpcId ? { vpcId: network.vpcId } : {}),
      cidr: network.cidr ?? defaults.network.cidr,
      cidrGiven: network.cidr !== undefined,
      // network.availabilityZones defines the count when azCount is left out (ValidateRequest checks they agree otherwise).
      azCount: network.azCount ?? network.availabilityZones?.length ?? defaults.network.azCount,
      azCountGiven: network.azCount !== undefined,
      ...(network.availabilityZones ? { availabilityZones: [...network.availabilityZones] } : {}),
      blockPublicAccessExclusion: network.blockPublicAccessExclusion ?? false,
      natGateways: network.natGateways ?? defaults.network.natGateways,
      ...(network.natInstanceType !== undefined ? { natInstanceType: network.natInstanceType } : {}),
      ipv6: network.ipv6 ?? defaults.network.ipv6,
      s3Endpoint: network.s3Endpoint ?? defaults.network.s3Endpoint,
      alarms: network.alarms ?? defaults.network.alarms,
      deleteWhenUnused: network.deleteWhenUnused ?? defaults.network.deleteWhenUnused,
      ...(network.allowedFunctions ? { allowedFunctions: network.allowedFunctions } : {}),
      ...(network.eipAllocationIds ? { eipAllocationIds: [...network.eipAllocationIds] } : {}),
      ...(network.keepEgressIps ? { keepEgressIps: true } : {}),
    },
    probe: {
      url: probe.url ?? defaults.probe.url,
      timeoutSeconds: probe.timeoutSeconds ?? defaults.probe.timeoutSeconds,
      expectedStatuses: [...(probe.expectedStatuses ?? defaults.probe.expectedStatuses)],
    },
    detachVpcAccessPolicy: request.detachVpcAccessPolicy ?? defaults.detachVpcAccessPolicy,
    forceDetachVpcAccessPolicy: request.forceDetachVpcAccessPolicy ?? defaults.forceDetachVpcAccessPolicy,
    keepNarrowEniPolicy: request.keepNarrowEniPolicy ?? defaults.keepNarrowEniPolicy,
    moveFromVpc: request.moveFromVpc ?? defaults.moveFromVpc,
  };
}

/**
 * Every violation at once, the first field's leading (details.field, as with one): a user fixes the request in
 * one go, not one run per mistake. `if` restates its `then` branch's own errors, and a field's further errors
 * (a pattern after an empty value) add nothing the first does not say.
 */
function allViolations(errors: readonly ErrorObject[], raw: unknown): InvalidRequest {
  const byField = new Map<string, InvalidRequest>();
  for (const error of errors) {
    if (error.keyword === 'if') continue;
    const violation = invalidRequestFrom(error, raw);
    if (!byField.has(violation.field)) byField.set(violation.field, violation);
  }
  const [first, ...others] = [...byField.values()];
  if (!first) return invalidRequestFrom(undefined, raw);
  if (others.length === 0) return first;
  const violations = [first, ...others].map((violation) => ({ field: violation.field, message: violation.summary }));
  const own = first.summary.slice(first.field.length + 2);
  return new InvalidRequest(first.field, `${own}; and ${others.length} more: ${others.map((violation) => violation.summary).join('; ')}`, { violations });
}

/** What a valid value of each field looks like: the second half of every error message. */
const VALID: Record<string, string> = {
  functionName: 'a function name (letters, digits, - and _, up to 64) or its unqualified ARN, like arn:aws:lambda:us-east-1:123456789012:function:my-fn',
  network: 'an object: {"name", "cidr", "azCount", "availabilityZones", "natGateways", "natInstanceType", "ipv6", "s3Endpoint", "alarms", "deleteWhenUnused"} for a new VPC, or {"vpcId", ...} for an existing one',
  'network.name': 'letters, digits, ".", "_" and "-", starting with a letter or digit, up to 64 characters, like "default"',
  'network.vpcId': 'a VPC id: vpc- followed by 8 or 17 hex digits, like vpc-0123456789abcdef0',
  'network.cidr': 'an RFC 1918 IPv4 block like 10.0.0.0/16',
  'network.azCount': 'a whole number of AZs from 1 to 6',
  'network.availabilityZones': 'a list of 1 to 6 distinct AZ names or AZ IDs of the region, like ["us-east-1a", "us-east-1b"] or ["use1-az1", "use1-az2"]',
  'network.natGateways': '"per-az" (one NAT gateway per AZ), "single" (one shared NAT gateway), "regional" (one regional NAT gateway across the AZs) or "instance" (one NAT instance per AZ, dev/test)',
  'network.natInstanceType': 'a Graviton (arm64) instance type such as t4g.nano, t4g.micro or c7gn.medium, with natGateways "instance"',
  'network.ipv6': 'true or false',
  'network.blockPublicAccessExclusion': 'true or false',
  'network.s3Endpoint': 'true or false',
  'network.alarms': 'true or false',
  'network.deleteWhenUnused': 'true or false',
  'network.allowedFunctions': 'an object: {"namePatterns": ["team-a-*"]} and/or {"tag": {"key": "team", "value": "a"}}',
  'network.allowedFunctions.namePatterns': 'a non-empty list of distinct function-name wildcards (letters, digits, - and _, with * or ?), like ["team-a-*"]',
  'network.allowedFunctions.tag': 'an object {"key", "value"}, like {"key": "team", "value": "a"}',
  'network.eipAllocationIds': 'a list of 1 to 6 distinct Elastic IP allocation ids of this account and region, like ["eipalloc-0123456789abcdef0"]',
  'network.keepEgressIps': 'true or false',
  probe: 'an object: {"url", "timeoutSeconds", "expectedStatuses"}',
  'probe.url': 'an http:// or https:// URL, like https://aws.amazon.com/',
  'probe.timeoutSeconds': 'a number of seconds above 0 and at most 60, like 3',
  'probe.expectedStatuses': 'a non-empty list of distinct HTTP status codes (100 to 599), like [200]',
  detachVpcAccessPolicy: 'true or false',
  forceDetachVpcAccessPolicy: 'true or false',
  keepNarrowEniPolicy: 'true or false',
  moveFromVpc: 'true or false',
};

const ALLOWED_FIELDS: Record<string, string[]> = {
  '': Object.keys(schema.properties),
  network: Object.keys(schema.properties.network.properties),
  'network.allowedFunctions': Object.keys(schema.properties.network.properties.allowedFunctions.properties),
  'network.allowedFunctions.tag': ['key', 'value'],
  probe: Object.keys(schema.properties.probe.properties),
};

function fieldOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

function valueAt(raw: unknown, instancePath: string): unknown {
  let value = raw;
  for (const part of instancePath.split('/').slice(1)) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function invalidRequestFrom(error: ErrorObject | undefined, raw: unknown): InvalidRequest {
  if (!error) return new InvalidRequest('request', 'does not match functions/shared/request.schema.json');
  const field = fieldOf(error.instancePath);
  const got = describe(valueAt(raw, error.instancePath));
  // The valid-value hint of a list item is its list's.
  const valid = VALID[field.replace(/\[\d+\]$/, '')];
  switch (error.keyword) {
    case 'additionalProperties': {
      const unknown = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = ALLOWED_FIELDS[field] ?? [];
      return new InvalidRequest(field ? `${field}.${unknown}` : unknown, `is not a field of the request${field ? `'s ${field}` : ''}; the fields are ${allowed.join(', ')}`);
    }
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      const name = field ? `${field}.${missing}` : missing;
      return new InvalidRequest(name, `is required: ${VALID[name] ?? 'see functions/shared/request.schema.json'}`);
    }
    case 'false schema':
      return new InvalidRequest(field, 'does not apply to an existing VPC (network.vpcId), which keeps its own CIDR and AZs: remove it, or remove network.vpcId to create a new VPC');
    case 'type':
      if (field === '') return new InvalidRequest('request', `must be a JSON object like {"functionName": "my-fn"}; got ${got}`);
      return new InvalidRequest(field, `must be ${valid ?? `of type ${String((error.params as { type: string }).type)}`}; got ${got}`);
    case 'minLength':
      return new InvalidRequest(field, `must not be empty: give ${valid ?? 'a value'}`);
    default:
      return new InvalidRequest(field || 'request', `must be ${valid ?? error.message ?? 'valid'}; got ${got}`);
  }
}
