import type { RequestFlags } from '../../cli/parsed-command';
import { UsageError } from '../../cli/io';
import { buildRequest } from '../../cli/request';
import { azsChoice } from '../../cli/shared-options';

const flags = (extra: Partial<RequestFlags> = {}): RequestFlags => ({ singleNat: false, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false, ...extra });
const noFile = (path: string): string => {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
};

describe('the request built from flags', () => {
  it('carries only what was asked for, so ValidateRequest fills the same defaults as on AWS', () => {
    expect(buildRequest(flags({ functionName: 'orders' }), noFile)).toEqual({ functionName: 'orders' });
  });

  it('maps every create-mode flag onto the request schema', () => {
    const request = buildRequest(
      flags({ functionName: 'orders', network: 'shared', cidr: '10.8.0.0/16', azs: 3, singleNat: true, ipv6: true, s3Endpoint: false, probeUrl: 'https://example.com/', probeTimeout: 5, keepVpcAccessPolicy: true }),
      noFile,
    );
    expect(request).toEqual({
      functionName: 'orders',
      network: { name: 'shared', cidr: '10.8.0.0/16', azCount: 3, natGateways: 'single', ipv6: true, s3Endpoint: false },
      probe: { url: 'https://example.com/', timeoutSeconds: 5 },
      detachVpcAccessPolicy: false,
    });
  });

  it('asks for the move out of another VPC with --move-from-vpc (request field moveFromVpc), and only then', () => {
    expect(buildRequest(flags({ functionName: 'orders', network: 'shop', moveFromVpc: true }), noFile)).toEqual({ functionName: 'orders', network: { name: 'shop' }, moveFromVpc: true });
    expect(buildRequest(flags({ functionName: 'orders', network: 'shop' }), noFile)).toEqual({ functionName: 'orders', network: { name: 'shop' } });
  });

  it('asks for an existing VPC with --vpc-id', () => {
    expect(buildRequest(flags({ functionName: 'orders', vpcId: 'vpc-0abc', ipv6: true }), noFile)).toEqual({ functionName: 'orders', network: { vpcId: 'vpc-0abc', ipv6: true } });
  });

  it('reads a request file and lets flags override its fields', () => {
    const file = JSON.stringify({ functionName: 'from-file', network: { name: 'n1', azCount: 2 }, probe: { url: 'https://a.example/' } });
    const request = buildRequest(flags({ requestFile: 'req.json', azs: 3, probeTimeout: 4 }), () => file);
    expect(request).toEqual({ functionName: 'from-file', network: { name: 'n1', azCount: 3 }, probe: { url: 'https://a.example/', timeoutSeconds: 4 } });
  });

  it('takes the AZs themselves with --azs NAME,NAME (network.availabilityZones), a count with --azs N, either replacing the file\'s choice', () => {
    expect(buildRequest(flags({ functionName: 'orders', network: 'shop', azs: azsChoice('us-east-1a, use1-az4') }), noFile)).toEqual({
      functionName: 'orders',
      network: { name: 'shop', availabilityZones: ['us-east-1a', 'use1-az4'] },
    });
    const file = (network: object) => () => JSON.stringify({ functionName: 'f', network: { name: 'n1', ...network } });
    expect(buildRequest(flags({ requestFile: 'req.json', azs: azsChoice('2') }), file({ availabilityZones: ['us-east-1c'] })).network).toEqual({ name: 'n1', azCount: 2 });
    expect(buildRequest(flags({ requestFile: 'req.json', azs: azsChoice('us-east-1c') }), file({ azCount: 3 })).network).toEqual({ name: 'n1', availabilityZones: ['us-east-1c'] });
    expect(buildRequest(flags({ requestFile: 'req.json' }), file({ azCount: 3, availabilityZones: ['us-east-1c'] })).network).toEqual({ name: 'n1', azCount: 3, availabilityZones: ['us-east-1c'] });
  });

  it('refuses an --azs that is neither a count from 1 to 6 nor AZ names or IDs, saying both forms', () => {
    for (const wrong of ['two', '7', 'us-east-1a,', 'us-east-1a;us-east-1b', 'a,b,c,d,e,f,g']) expect(() => azsChoice(wrong)).toThrow(/--azs must be a whole number from 1 to 6/);
    expect(() => azsChoice('0')).toThrow(/from 1 to 6/);
  });

  it('fails without a function, naming the flag that gives one', () => {
    expect(() => buildRequest(flags(), noFile)).toThrow(UsageError);
    expect(() => buildRequest(flags(), noFile)).toThrow(/--function NAME/);
  });

  it('fails on flags that make no sense for an existing VPC', () => {
    expect(() => buildRequest(flags({ functionName: 'f', vpcId: 'vpc-1', cidr: '10.0.0.0/16' }), noFile)).toThrow(/--cidr is for a new VPC/);
    expect(() => buildRequest(flags({ functionName: 'f', vpcId: 'vpc-1', azs: 2 }), noFile)).toThrow(/--azs is for a new VPC/);
  });

  it('fails on a request file that is missing, not JSON, or not an object', () => {
    expect(() => buildRequest(flags({ requestFile: 'nope.json' }), noFile)).toThrow(/--request nope.json: cannot read the file \(ENOENT\)/);
    expect(() => buildRequest(flags({ requestFile: 'bad.json' }), () => '{ nope')).toThrow(/--request bad.json: not valid JSON/);
    expect(() => buildRequest(flags({ requestFile: 'list.json' }), () => '[1]')).toThrow(/must be a JSON object/);
  });
});
