import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { IAMClient } from '@aws-sdk/client-iam';
import schema from '../../functions/shared/request.schema.json';
import { sampleFunctionZip } from '../../local/sample-function';
import { REQUEST_DEFAULTS } from '../../functions/validate/request-schema';
import { handler as validateRequest } from '../../functions/validate/validate-request';
import { validateRequest as validateCore } from '../../functions/validate/validation';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { execution, runNetworkTasks } from '../support/workflow';

const ec2 = new EC2Client({});
const validate = (input: unknown, name = 'validate') => validateRequest({ input, execution: execution(name) });

describe('ValidateRequest', () => {
  let functionArn: string;
  let vpcWithSubnets: string;

  beforeAll(async () => {
    await emulator.freshAccount();
    functionArn = (await createSampleFunction('orders-api')).FunctionArn!;
    vpcWithSubnets = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }))).Vpc!.VpcId!;
    for (const [index, az] of ['us-east-1c', 'us-east-1a', 'us-east-1c'].entries()) {
      await ec2.send(new CreateSubnetCommand({ VpcId: vpcWithSubnets, CidrBlock: `10.50.${index}.0/24`, AvailabilityZone: az }));
    }
  });

  it('fills every default from the schema, resolves the function to its ARN and plans 2 AZs of a /16', async () => {
    // GIVEN only a function name
    // WHEN the request is validated
    const state = await validate({ functionName: 'orders-api' });
    // THEN the state carries the execution and the normalised request
    expect(state.execution.name).toBe('validate');
    expect(state.request).toEqual({
      functionName: 'orders-api',
      functionArn,
      network: {
        mode: 'create',
        name: 'default',
        cidr: '10.0.0.0/16',
        azs: ['us-east-1a', 'us-east-1b'],
        azIds: ['use1-az6', 'use1-az1'],
        natGateways: 'per-az',
        ipv6: false,
        s3Endpoint: true,
        alarms: false,
        deleteWhenUnused: false,
        subnetPlan: [
          { az: 'us-east-1a', tier: 'public', cidr: '10.0.128.0/20' },
          { az: 'us-east-1a', tier: 'private', cidr: '10.0.0.0/18' },
          { az: 'us-east-1b', tier: 'public', cidr: '10.0.144.0/20' },
          { az: 'us-east-1b', tier: 'private', cidr: '10.0.64.0/18' },
        ],
      },
      probe: { url: 'https://aws.amazon.com/', timeoutSeconds: 3, expectedStatuses: [200] },
      detachVpcAccessPolicy: true,
    });
    // AND those defaults are the schema's own, as documented
    expect(REQUEST_DEFAULTS).toEqual({
      network: { name: 'default', cidr: '10.0.0.0/16', azCount: 2, natGateways: 'per-az', ipv6: false, s3Endpoint: true, alarms: false, deleteWhenUnused: false },
      probe: { url: 'https://aws.amazon.com/', timeoutSeconds: 3, expectedStatuses: [200] },
      detachVpcAccessPolicy: true,
      forceDetachVpcAccessPolicy: false,
      keepNarrowEniPolicy: false,
      moveFromVpc: false,
    });
    expect(schema.properties.network.properties.cidr.default).toBe(state.request.network.cidr);
  });

  it('accepts natGateways "regional" and plans only the private subnets, where the other modes put them (a regional NAT gateway needs no public subnet)', async () => {
    const state = await validate({ functionName: functionArn, network: { name: 'regional', cidr: '192.168.4.0/23', azCount: 3, natGateways: 'regional', ipv6: true } });
    expect(state.request.network).toMatchObject({ mode: 'create', natGateways: 'regional' });
    expect(state.request.network.subnetPlan.map((planned) => [planned.tier, planned.cidr, planned.ipv6SubnetIndex])).toEqual([
      ['private', '192.168.4.0/26', 1],
      ['private', '192.168.4.64/26', 3],
      ['private', '192.168.4.128/26', 5],
    ]);
  });

  it('accepts natGateways "instance" with t4g.nano unless natInstanceType names another Graviton type, and plans public subnets for the instances', async () => {
    const byDefault = await validate({ functionName: functionArn, network: { name: 'instance', natGateways: 'instance' } });
    expect(byDefault.request.network).toMatchObject({ mode: 'create', natGateways: 'instance', natInstanceType: 't4g.nano' });
    expect(byDefault.request.network.subnetPlan.map((planned) => planned.tier).sort()).toEqual(['private', 'private', 'public', 'public']);
    const chosen = await validate({ functionName: functionArn, network: { name: 'instance', natGateways: 'instance', natInstanceType: 'c7gn.medium' } });
    expect(chosen.request.network.natInstanceType).toBe('c7gn.medium');
    // no instance type in the other modes
    const perAz = await validate({ functionName: functionArn, network: { name: 'per-az' } });
    expect(perAz.request.network).not.toHaveProperty('natInstanceType');
  });

  it('accepts an unqualified ARN, a /24 for 2 AZs, 3 AZs, single NAT and IPv6 (a /64 index per subnet)', async () => {
    const state = await validate({ functionName: functionArn, network: { name: 'small', cidr: '192.168.4.0/23', azCount: 3, natGateways: 'single', ipv6: true, s3Endpoint: false } });
    expect(state.request.functionArn).toBe(functionArn);
    expect(state.request.network).toMatchObject({ mode: 'create', name: 'small', azs: ['us-east-1a', 'us-east-1b', 'us-east-1c'], natGateways: 'single', ipv6: true, s3Endpoint: false });
    expect(state.request.network.subnetPlan.map((planned) => [planned.tier, planned.cidr, planned.ipv6SubnetIndex])).toEqual([
      ['public', '192.168.5.0/28', 0],
      ['private', '192.168.4.0/26', 1],
      ['public', '192.168.5.16/28', 2],
      ['private', '192.168.4.64/26', 3],
      ['public', '192.168.5.32/28', 4],
      ['private', '192.168.4.128/26', 5],
    ]);
    const smallest = await validate({ functionName: 'orders-api', network: { cidr: '172.16.9.0/24' } });
    expect(smallest.request.network.subnetPlan.map((planned) => planned.cidr)).toEqual(['172.16.9.128/28', '172.16.9.0/26', '172.16.9.144/28', '172.16.9.64/26']);
  });

  it('passes forceDetachVpcAccessPolicy through to DetachVpcAccessPolicy only when it is asked for', async () => {
    const forced = await validate({ functionName: 'orders-api', forceDetachVpcAccessPolicy: true });
    expect(forced.request).toMatchObject({ detachVpcAccessPolicy: true, forceDetachVpcAccessPolicy: true });
    const plain = await validate({ functionName: 'orders-api', forceDetachVpcAccessPolicy: false });
    expect(plain.request).not.toHaveProperty('forceDetachVpcAccessPolicy');
  });

  it('passes keepNarrowEniPolicy through to DetachVpcAccessPolicy only when it is asked for', async () => {
    expect((await validate({ functionName: 'orders-api', keepNarrowEniPolicy: true })).request).toMatchObject({ keepNarrowEniPolicy: true });
    expect((await validate({ functionName: 'orders-api', keepNarrowEniPolicy: false })).request).not.toHaveProperty('keepNarrowEniPolicy');
  });

  it('in existing mode takes the AZs that hold the VPC\'s subnets and leaves the plan to the audit', async () => {
    const state = await validate({ functionName: 'orders-api', network: { vpcId: vpcWithSubnets, natGateways: 'single' } });
    expect(state.request.network).toEqual({
      mode: 'existing',
      name: 'default',
      vpcId: vpcWithSubnets,
      azs: ['us-east-1a', 'us-east-1c'],
      azIds: ['use1-az6', 'use1-az2'],
      natGateways: 'single',
      ipv6: false,
      s3Endpoint: true,
      alarms: false,
      deleteWhenUnused: false,
      subnetPlan: [],
    });
  });

  it('takes the CIDR of an existing network of the same name when the request gives none', async () => {
    // GIVEN network "shared" built by an earlier execution with 10.70.0.0/16
    await runNetworkTasks({ functionName: 'orders-api', network: { name: 'shared', cidr: '10.70.0.0/16', s3Endpoint: false } }, 'shared-first');
    // WHEN another request names the network without a cidr
    const state = await validate({ functionName: 'orders-api', network: { name: 'shared' } });
    // THEN its plan is that network's
    expect(state.request.network.cidr).toBe('10.70.0.0/16');
    expect(state.request.network.subnetPlan.map((planned) => planned.cidr)).toContain('10.70.0.0/18');
  });

  const badRequests: Array<[string, string, unknown, RegExp]> = [
    ['a malformed CIDR', 'network.cidr', { network: { cidr: '10.0.0/16' } }, /not an IPv4 CIDR block: write it as a\.b\.c\.d\/n, like 10\.0\.0\.0\/16/],
    ['a CIDR with host bits set', 'network.cidr', { network: { cidr: '10.0.0.1/16' } }, /use 10\.0\.0\.0\/16/],
    ['a public (non RFC 1918) CIDR', 'network.cidr', { network: { cidr: '8.8.0.0/16' } }, /not a private \(RFC 1918\) range: use a block inside 10\.0\.0\.0\/8, 172\.16\.0\.0\/12 or 192\.168\.0\.0\/16/],
    ['a CIDR too small for the plan', 'network.cidr', { network: { cidr: '10.0.0.0/25' } }, /too small for 2 AZ\(s\).*the minimum is a \/24/],
    ['a CIDR too small for 3 AZs', 'network.cidr', { network: { cidr: '10.0.0.0/24', azCount: 3 } }, /the minimum is a \/23/],
    ['a CIDR larger than a VPC may be', 'network.cidr', { network: { cidr: '10.0.0.0/8' } }, /prefix from \/16 to \/24/],
    ['an unknown function', 'functionName', { functionName: 'no-such-fn' }, /there is no function "no-such-fn" in us-east-1/],
    ['a malformed function ARN', 'functionName', { functionName: 'arn:aws:lambda:us-east-1:function:orders-api' }, /unqualified ARN, like arn:aws:lambda:us-east-1:123456789012:function:my-fn/],
    ['a qualified function ARN', 'functionName', { functionName: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api:3' }, /unqualified ARN/],
    ['a function ARN of another region', 'functionName', { functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api' }, /is in eu-west-1, but this workflow runs in us-east-1/],
    ['an empty functionName', 'functionName', { functionName: '' }, /must not be empty: give a function name/],
    ['no functionName', 'functionName', { functionName: undefined, network: {} }, /is required: a function name/],
    ['a vpcId that does not exist', 'network.vpcId', { network: { vpcId: 'vpc-0123456789abcdef0' } }, /vpc-0123456789abcdef0 does not exist in us-east-1.*leave network\.vpcId out to create a new VPC/],
    ['a malformed vpcId', 'network.vpcId', { network: { vpcId: 'vpc-xyz' } }, /a VPC id: vpc- followed by 8 or 17 hex digits/],
    ['both vpcId and cidr', 'network.cidr', { network: { vpcId: 'vpc-0123456789abcdef0', cidr: '10.0.0.0/16' } }, /does not apply to an existing VPC \(network\.vpcId\)/],
    ['both vpcId and azCount', 'network.azCount', { network: { vpcId: 'vpc-0123456789abcdef0', azCount: 2 } }, /does not apply to an existing VPC/],
    ['an unknown top-level field', 'colour', { colour: 'blue' }, /is not a field of the request; the fields are functionName, network, probe, detachVpcAccessPolicy, forceDetachVpcAccessPolicy, keepNarrowEniPolicy, moveFromVpc\n/],
    ['an unknown network field', 'network.subnets', { network: { subnets: 4 } }, /the fields are name, vpcId, cidr, azCount, availabilityZones, blockPublicAccessExclusion, natGateways, natInstanceType, ipv6, s3Endpoint, alarms, deleteWhenUnused/],
    ['azCount of the wrong type', 'network.azCount', { network: { azCount: '2' } }, /must be a whole number of AZs from 1 to 6; got "2"/],
    ['ipv6 of the wrong type', 'network.ipv6', { network: { ipv6: 'yes' } }, /must be true or false; got "yes"/],
    ['alarms of the wrong type', 'network.alarms', { network: { alarms: 'on' } }, /must be true or false; got "on"/],
    ['deleteWhenUnused of the wrong type', 'network.deleteWhenUnused', { network: { deleteWhenUnused: 'yes' } }, /must be true or false; got "yes"/],
    ['a network that is not an object', 'network', { network: 'default' }, /must be an object/],
    ['azCount above the schema\'s maximum', 'network.azCount', { network: { azCount: 7 } }, /from 1 to 6; got 7/],
    ['natGateways not per-az, single, regional or instance', 'network.natGateways', { network: { natGateways: 'two' } }, /"per-az" \(one NAT gateway per AZ\), "single" \(one shared NAT gateway\), "regional" \(one regional NAT gateway across the AZs\) or "instance" \(one NAT instance per AZ, dev\/test\)/],
    ['a natInstanceType that is not Graviton (x86)', 'network.natInstanceType', { network: { natGateways: 'instance', natInstanceType: 't3.nano' } }, /must be a Graviton \(arm64\) instance type such as t4g\.nano, t4g\.micro or c7gn\.medium, with natGateways "instance"; got "t3\.nano"/],
    ['a natInstanceType that is no instance type', 'network.natInstanceType', { network: { natGateways: 'instance', natInstanceType: 'nano' } }, /Graviton \(arm64\) instance type/],
    ['a natInstanceType without natGateways "instance"', 'network.natInstanceType', { network: { natGateways: 'single', natInstanceType: 't4g.nano' } }, /applies only to natGateways "instance" \(NAT instances\), and natGateways is "single": remove network\.natInstanceType, or set network\.natGateways to "instance"/],
    ['a network name with spaces', 'network.name', { network: { name: 'my network' } }, /letters, digits/],
    ['a probe URL that is not http(s)', 'probe.url', { probe: { url: 'ftp://example.com/file' } }, /an http:\/\/ or https:\/\/ URL, like https:\/\/aws\.amazon\.com\//],
    ['a probe URL that is not a URL', 'probe.url', { probe: { url: 'aws.amazon.com' } }, /http:\/\/ or https:\/\//],
    ['a probe timeout of 0', 'probe.timeoutSeconds', { probe: { timeoutSeconds: 0 } }, /above 0 and at most 60/],
    ['a probe timeout above 60 s', 'probe.timeoutSeconds', { probe: { timeoutSeconds: 61 } }, /above 0 and at most 60, like 3; got 61/],
    ['no expected status', 'probe.expectedStatuses', { probe: { expectedStatuses: [] } }, /non-empty list of distinct HTTP status codes/],
    ['an expected status out of range', 'probe.expectedStatuses[1]', { probe: { expectedStatuses: [200, 700] } }, /HTTP status codes \(100 to 599\)/],
    ['detachVpcAccessPolicy of the wrong type', 'detachVpcAccessPolicy', { detachVpcAccessPolicy: 'no' }, /must be true or false/],
    ['forceDetachVpcAccessPolicy of the wrong type', 'forceDetachVpcAccessPolicy', { forceDetachVpcAccessPolicy: 1 }, /must be true or false; got 1/],
    ['keepNarrowEniPolicy of the wrong type', 'keepNarrowEniPolicy', { keepNarrowEniPolicy: 'yes' }, /must be true or false; got "yes"/],
  ];

  it.each(badRequests)('fails InvalidRequest on %s, naming %s, before any change', async (_case, field, overrides, message) => {
    // GIVEN a request with one bad part
    const request = { functionName: 'orders-api', ...(overrides as object) };
    await emulator.clearCalls();
    // WHEN it is validated
    const validation = validate(JSON.parse(JSON.stringify(request)));
    // THEN it fails InvalidRequest naming the field, saying what would be valid, and nothing was changed
    await expect(validation).rejects.toMatchObject({ name: 'InvalidRequest', field, details: { field }, message: expect.stringMatching(message) });
    await expect(validation).rejects.toThrow(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}: `));
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('fails InvalidRequest when the request is not an object', async () => {
    await expect(validate('orders-api')).rejects.toMatchObject({ name: 'InvalidRequest', field: 'request', message: expect.stringContaining('must be a JSON object like {"functionName": "my-fn"}') });
  });

  it('fails InvalidRequest on IPv6 for an existing VPC without an IPv6 block, saying how to add one', async () => {
    await emulator.clearCalls();
    await expect(validate({ functionName: 'orders-api', network: { vpcId: vpcWithSubnets, ipv6: true } })).rejects.toMatchObject({
      name: 'InvalidRequest',
      field: 'network.ipv6',
      message: expect.stringContaining(`aws ec2 associate-vpc-cidr-block --amazon-provided-ipv6-cidr-block --vpc-id ${vpcWithSubnets}`),
    });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('fails InvalidRequest when a request for an existing network disagrees with its CIDR, AZs or IPv6', async () => {
    // GIVEN network "fixed" built with 10.80.0.0/16 over 2 AZs, IPv4 only
    await runNetworkTasks({ functionName: 'orders-api', network: { name: 'fixed', cidr: '10.80.0.0/16', s3Endpoint: false } }, 'fixed-first');
    await emulator.clearCalls();
    // WHEN requests for it ask for another CIDR, 3 AZs or IPv6
    // THEN each fails naming the field and the value that would match
    await expect(validate({ functionName: 'orders-api', network: { name: 'fixed', cidr: '10.81.0.0/16' } })).rejects.toMatchObject({
      field: 'network.cidr',
      message: expect.stringContaining('leave network.cidr out or set it to 10.80.0.0/16'),
    });
    await expect(validate({ functionName: 'orders-api', network: { name: 'fixed', azCount: 3 } })).rejects.toMatchObject({ field: 'network.azCount', message: expect.stringContaining('use azCount 2') });
    await expect(validate({ functionName: 'orders-api', network: { name: 'fixed', ipv6: true } })).rejects.toMatchObject({ field: 'network.ipv6' });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('fails InvalidRequest when azCount is above the number of AZs of the region (us-west-1 has 2)', async () => {
    // GIVEN a function in us-west-1, and clients of that region
    const west = { ec2: new EC2Client({ region: 'us-west-1' }), iam: new IAMClient({}), lambda: new LambdaClient({ region: 'us-west-1' }) };
    const role = (await createSampleFunction('role-holder')).Role!;
    await west.lambda.send(new CreateFunctionCommand({ FunctionName: 'west-fn', Runtime: 'nodejs22.x', Role: role, Handler: 'index.handler', Code: { ZipFile: sampleFunctionZip() } }));
    await emulator.clearCalls();
    // WHEN 3 AZs are asked for
    const validation = validateCore(west, { input: { functionName: 'west-fn', network: { azCount: 3 } }, execution: execution('west') });
    // THEN it fails naming azCount and the AZs there are
    await expect(validation).rejects.toMatchObject({ name: 'InvalidRequest', field: 'network.azCount', message: expect.stringContaining('us-west-1 has 2 available AZ(s) (us-west-1a, us-west-1b): use an azCount from 1 to 2') });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });
});
