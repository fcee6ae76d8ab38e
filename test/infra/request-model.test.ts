import Ajv2020 from 'ajv/dist/2020';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import schema from '../../functions/shared/request.schema.json';
import { DRAFT_04, requestModelSchema, toDraft04 } from '../../infra/request-model';

/**
 * API Gateway validates POST /requests with a draft-04 model converted from functions/shared/request.schema.json.
 * Here the converted model must accept and reject exactly what the schema does (validated by a draft-04
 * validator against the 2020-12 original), so the API never lets through a request ValidateRequest refuses
 * for its shape, nor refuses one it accepts.
 */
const original = (() => {
  const ajv = new Ajv2020({ strict: true, strictRequired: false });
  addFormats(ajv);
  return ajv.compile(schema);
})();
const converted = (() => {
  const ajv = new AjvDraft04({ strict: false });
  addFormats(ajv);
  return ajv.compile(requestModelSchema());
})();

const REQUESTS: Array<[string, unknown]> = [
  ['the smallest request', { functionName: 'orders-api' }],
  ['a function ARN', { functionName: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api' }],
  [
    'every create-mode option',
    {
      functionName: 'orders-api',
      network: { name: 'shared', cidr: '10.1.0.0/16', azCount: 3, natGateways: 'single', ipv6: true, s3Endpoint: false, alarms: true },
      probe: { url: 'https://example.com/health', timeoutSeconds: 2.5, expectedStatuses: [200, 204] },
      detachVpcAccessPolicy: false,
    },
  ],
  ['an existing VPC', { functionName: 'orders-api', network: { vpcId: 'vpc-0123456789abcdef0', natGateways: 'per-az' } }],
  ['an existing VPC with NAT alarms', { functionName: 'orders-api', network: { vpcId: 'vpc-0123456789abcdef0', alarms: true } }],
  ['fails: alarms as a string', { functionName: 'orders-api', network: { alarms: 'yes' } }],
  ['fails: no functionName', {}],
  ['fails: an unknown top-level field', { functionName: 'orders-api', color: 'blue' }],
  ['fails: an unknown network field', { functionName: 'orders-api', network: { name: 'a', nats: 2 } }],
  ['fails: vpcId with cidr (if/then)', { functionName: 'orders-api', network: { vpcId: 'vpc-0123456789abcdef0', cidr: '10.0.0.0/16' } }],
  ['fails: vpcId with azCount (if/then)', { functionName: 'orders-api', network: { vpcId: 'vpc-0123456789abcdef0', azCount: 2 } }],
  ['fails: timeoutSeconds 0 (exclusiveMinimum)', { functionName: 'orders-api', probe: { timeoutSeconds: 0 } }],
  ['fails: timeoutSeconds above 60', { functionName: 'orders-api', probe: { timeoutSeconds: 61 } }],
  ['fails: azCount 7', { functionName: 'orders-api', network: { azCount: 7 } }],
  ['fails: natGateways none', { functionName: 'orders-api', network: { natGateways: 'none' } }],
  ['fails: a bad vpc id', { functionName: 'orders-api', network: { vpcId: 'vpc-xyz' } }],
  ['fails: a function name with a space', { functionName: 'orders api' }],
  ['fails: duplicate expected statuses', { functionName: 'orders-api', probe: { expectedStatuses: [200, 200] } }],
  ['fails: an ftp probe URL', { functionName: 'orders-api', probe: { url: 'ftp://example.com/' } }],
];

describe('the API request model (draft-04, converted from the request schema)', () => {
  it.each(REQUESTS)('agrees with the schema on %s', (_name, request) => {
    // GIVEN a request WHEN both validate it THEN they agree
    expect(converted(request)).toBe(original(request));
  });

  it('rejects the failing samples and accepts the others (the samples mean what their names say)', () => {
    for (const [name, request] of REQUESTS) expect([name, original(request)]).toEqual([name, !name.startsWith('fails')]);
  });

  it('is draft-04 with none of the newer keywords or boolean schemas left', () => {
    const model = requestModelSchema();
    const keywords = new Set<string>();
    const booleanSchemas: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((item, index) => walk(item, `${path}/${index}`));
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        keywords.add(key);
        if (key === 'properties') for (const [name, sub] of Object.entries(value as object)) if (typeof sub === 'boolean') booleanSchemas.push(`${path}/properties/${name}`);
        walk(value, `${path}/${key}`);
      }
    };
    walk(model, '#');
    expect(model.$schema).toBe(DRAFT_04);
    expect(['if', 'then', 'else', 'const', '$id', 'examples'].filter((keyword) => keywords.has(keyword))).toEqual([]);
    expect(booleanSchemas).toEqual([]);
  });

  it('turns boolean sub-schemas, const and numeric exclusive bounds into their draft-04 forms', () => {
    expect(toDraft04({ properties: { a: false, b: true } })).toEqual({ properties: { a: { not: {} }, b: {} } });
    expect(toDraft04({ const: 'x' })).toEqual({ enum: ['x'] });
    expect(toDraft04({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 10 })).toEqual({
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 10,
      exclusiveMaximum: true,
    });
    expect(toDraft04({ if: { required: ['a'] }, then: { required: ['b'] }, else: { required: ['c'] } })).toEqual({
      allOf: [{ anyOf: [{ not: { required: ['a'] } }, { required: ['b'] }] }, { anyOf: [{ required: ['a'] }, { required: ['c'] }] }],
    });
  });

  it('fails on a keyword it cannot express, naming it and where it is', () => {
    expect(() => toDraft04({ properties: { a: { $ref: '#/$defs/x' } } })).toThrow(/\$ref at #\/properties\/a\/\$ref.*infra\/request-model\.ts/);
    expect(() => toDraft04({ dependentRequired: { a: ['b'] } })).toThrow(/dependentRequired/);
  });
});
