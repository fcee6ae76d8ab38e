import type { FunctionFacts } from '../../functions/function/types';
import { reportResult, type ProvisionResult } from '../../functions/report/report-result';
import { ledgerEntry } from '../../functions/shared/ledger';
import type { NormalizedRequest } from '../../functions/shared/types';
import type { NetworkDetails } from '../../cli/diagram';

const at = (second: number) => new Date(Date.UTC(2024, 5, 1, 12, 0, second)).toISOString();
const entry = (kind: Parameters<typeof ledgerEntry>[0], id: string, second: number, az?: string) => ({ ...ledgerEntry(kind, id, az ? { az } : {}), createdAt: at(second) });

/** A 2-AZ create-mode request as ValidateRequest would normalise it. */
export const REQUEST: NormalizedRequest = {
  functionName: 'orders',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders',
  network: { mode: 'create', name: 'default', cidr: '10.0.0.0/16', azs: ['us-east-1a', 'us-east-1b'], natGateways: 'per-az', ipv6: false, s3Endpoint: true, alarms: false, deleteWhenUnused: false, subnetPlan: [] },
  probe: { url: 'https://aws.amazon.com/', timeoutSeconds: 3, expectedStatuses: [200] },
  detachVpcAccessPolicy: true,
};

/** The success output of a 2-AZ network with per-AZ NATs, built by the real ReportResult from a realistic state. */
export function sampleResult(options: { facts?: FunctionFacts } = {}): ProvisionResult {
  return reportResult({
    execution: { id: 'arn:aws:states:us-east-1:123456789012:execution:lambda-egress-provision:demo', name: 'demo' },
    request: REQUEST,
    network: {
      vpc: { vpcId: 'vpc-0a1', ledger: [entry('vpc', 'vpc-0a1', 1)] },
      subnets: {
        publicSubnetIds: ['subnet-pub-a', 'subnet-pub-b'],
        privateSubnetIds: ['subnet-prv-a', 'subnet-prv-b'],
        ledger: [entry('subnet', 'subnet-pub-a', 2, 'us-east-1a'), entry('subnet', 'subnet-prv-a', 2, 'us-east-1a'), entry('subnet', 'subnet-pub-b', 2, 'us-east-1b'), entry('subnet', 'subnet-prv-b', 2, 'us-east-1b')],
      },
      internetGateway: { internetGatewayId: 'igw-0c3', ledger: [entry('internet-gateway', 'igw-0c3', 3)] },
      securityGroup: { groupId: 'sg-0d4', ledger: [entry('security-group', 'sg-0d4', 3)] },
      natGateways: [
        { az: 'us-east-1a', natTargetId: 'nat-0aa', ledger: [entry('elastic-ip', 'eipalloc-1', 4, 'us-east-1a'), entry('nat-gateway', 'nat-0aa', 4, 'us-east-1a')] },
        { az: 'us-east-1b', natTargetId: 'nat-0bb', ledger: [entry('elastic-ip', 'eipalloc-2', 4, 'us-east-1b'), entry('nat-gateway', 'nat-0bb', 4, 'us-east-1b')] },
      ],
      routeTables: { reported: [], ledger: [entry('route-table', 'rtb-pub', 5), entry('route-table', 'rtb-prv-a', 5, 'us-east-1a'), entry('route-table', 'rtb-prv-b', 5, 'us-east-1b')] },
      s3Endpoint: { vpcEndpointId: 'vpce-0e5', ledger: [entry('vpc-endpoint', 'vpce-0e5', 6)] },
    },
    function: {
      original: { vpcConfig: { subnetIds: [], securityGroupIds: [] }, ...(options.facts ? { facts: options.facts } : {}) },
      vpcAccessPolicy: { policyAttachedByExecution: true },
      attach: { subnetIds: ['subnet-prv-a', 'subnet-prv-b'], securityGroupIds: ['sg-0d4'], ipv6AllowedForDualStack: false },
    },
    probe: {
      passed: true,
      result: { url: 'https://aws.amazon.com/', ok: true, statusCode: 200, elapsedMs: 142 },
      reachability: { verdict: 'PASS', port: 443, paths: [{ subnetId: 'subnet-prv-a', steps: [] }, { subnetId: 'subnet-prv-b', steps: [] }] },
    },
    detach: { detached: true },
    waits: { natGatewayChecks: 0, functionUpdateChecks: 0 },
    natCheck: {
      gateways: [
        { addresses: [{ publicIp: '203.0.113.10', az: 'us-east-1a', natId: 'nat-0aa', allocationId: 'eipalloc-1' }] },
        { addresses: [{ publicIp: '203.0.113.9', az: 'us-east-1b', natId: 'nat-0bb', allocationId: 'eipalloc-2' }] },
      ],
    },
  });
}

/** What describing that network returns: AZs, CIDRs, one public table, a private table per AZ. */
export function sampleDetails(): NetworkDetails {
  return {
    vpcCidr: '10.0.0.0/16',
    subnets: [
      { id: 'subnet-pub-a', az: 'us-east-1a', cidr: '10.0.0.0/20', routeTableId: 'rtb-pub' },
      { id: 'subnet-pub-b', az: 'us-east-1b', cidr: '10.0.16.0/20', routeTableId: 'rtb-pub' },
      { id: 'subnet-prv-a', az: 'us-east-1a', cidr: '10.0.128.0/19', routeTableId: 'rtb-prv-a' },
      { id: 'subnet-prv-b', az: 'us-east-1b', cidr: '10.0.160.0/19', routeTableId: 'rtb-prv-b' },
    ],
    routeTables: [
      { id: 'rtb-main', main: true, routes: [{ destination: '10.0.0.0/16', target: 'local' }] },
      { id: 'rtb-pub', routes: [{ destination: '10.0.0.0/16', target: 'local' }, { destination: '0.0.0.0/0', target: 'igw-0c3' }] },
      { id: 'rtb-prv-a', routes: [{ destination: '10.0.0.0/16', target: 'local' }, { destination: '0.0.0.0/0', target: 'nat-0aa' }, { destination: 'pl-63a5400a', target: 'vpce-0e5' }] },
      { id: 'rtb-prv-b', routes: [{ destination: '10.0.0.0/16', target: 'local' }, { destination: '0.0.0.0/0', target: 'nat-0bb' }, { destination: 'pl-63a5400a', target: 'vpce-0e5' }] },
    ],
    natGateways: [
      { id: 'nat-0aa', subnetId: 'subnet-pub-a' },
      { id: 'nat-0bb', subnetId: 'subnet-pub-b' },
    ],
  };
}
