import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAddressesCommand, DescribeNatGatewaysCommand, DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Diagnosis } from '../../cli/diagnose';
import type { EgressIpsDocument } from '../../cli/egress-ips';
import { palette } from '../../cli/io';
import { formatSuccess, type RunOutcome } from '../../cli/output';
import { handler as listNetworksHandler } from '../../functions/api/get-networks';
import type { Inventory } from '../../functions/inventory/list-networks';
import type { ProvisionResult } from '../../functions/report/types';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { PROCESS_TEST_TIMEOUT_MS } from '../support/run-cli';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../support/harness';
import { runInMemory } from '../support/run-in-memory';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ec2 = new EC2Client({});
const target = { local: true, demo: false } as const;
const output = (json: boolean) => ({ json, quiet: true }) as const;

const cli = runInMemory;

const sorted = (ips: readonly string[]): string[] => [...ips].sort();

const egressIps = (network: string, options: { json?: boolean; plain?: boolean } = {}) =>
  cli({ command: 'egress-ips', network, plain: options.plain === true, target, output: output(options.json === true) });

/** What EC2 holds for the VPC's live NAT gateways: AZ-less public IPs, and the allocation ids behind them. */
async function natAddressesOf(vpcId: string): Promise<{ publicIps: string[]; allocationIds: string[] }> {
  const nats = (await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }))).NatGateways ?? [];
  const addresses = nats.filter((nat) => nat.State === 'available').flatMap((nat) => nat.NatGatewayAddresses ?? []);
  return { publicIps: addresses.map((address) => address.PublicIp ?? '').sort(), allocationIds: addresses.map((address) => address.AllocationId ?? '').sort() };
}

describe('egress IPs: the public IPs a function leaves from, in every answer', () => {
  it('per-az: the result, provision text, the diagram, networks, GET /networks, egress-ips and diagnose all name the NAT gateways\' Elastic IPs', async () => {
    // GIVEN a function, provisioned through the CLI onto a 2-AZ network with a NAT gateway per AZ
    await emulator.freshAccount();
    await createSampleFunction('orders');
    const diagram = join(mkdtempSync(join(tmpdir(), 'egress-')), 'network.mmd');
    const request = { functionName: 'orders', network: 'partners', azs: 2, singleNat: false, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false };
    const provisioned = await cli({ command: 'provision', request, target, output: { json: true, quiet: true, diagram } });
    expect([provisioned.code, provisioned.err]).toEqual([0, '']);
    const result = (JSON.parse(provisioned.out) as { result: ProvisionResult }).result;

    // THEN the result's egressIps are exactly the public IPs EC2 holds for the network's NAT gateways
    const held = await natAddressesOf(result.network.vpcId);
    expect(held.publicIps).toHaveLength(2);
    expect(sorted(result.network.egressIps)).toEqual(held.publicIps);
    // per AZ, each with its NAT gateway and its Elastic IP, which DescribeAddresses knows under that IP
    expect(result.network.egress.addresses.map((address) => [address.az, address.natId]).sort()).toEqual(result.network.natGateways.map((nat) => [nat.az, nat.natTargetId]).sort());
    const eips = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: held.allocationIds }))).Addresses ?? [];
    expect(result.network.egress.addresses.map((address) => [address.allocationId, address.publicIp]).sort()).toEqual(eips.map((eip) => [eip.AllocationId, eip.PublicIp]).sort());
    // AND provision's text names each with its AZ
    const text = formatSuccess({ status: 'SUCCEEDED', mode: 'local', result } as RunOutcome, palette(false)).join('\n');
    for (const address of result.network.egress.addresses) expect(text).toMatch(new RegExp(`egress IPs:?[\\s\\S]*${address.publicIp.replace(/\./g, '\\.')}\\s+\\(${address.az}\\)`));
    // AND the Mermaid diagram shows each on its NAT gateway
    const mermaid = readFileSync(diagram, 'utf8');
    for (const ip of held.publicIps) expect(mermaid).toContain(ip);

    // WHEN the network is asked for through networks (text and --json), GET /networks, egress-ips and diagnose
    const inventory = JSON.parse((await cli({ command: 'networks', target, output: output(true) })).out) as Inventory;
    const networksText = (await cli({ command: 'networks', target, output: output(false) })).out;
    process.env.REGISTRY_TABLE_NAME ??= 'lambda-egress-registry';
    const api = JSON.parse((await listNetworksHandler()).body) as Inventory;
    const json = await egressIps('partners', { json: true });
    const plain = await egressIps('partners', { plain: true });
    const listed = await egressIps('partners');
    const diagnosed = await cli({ command: 'diagnose', functionName: 'orders', port: 443, target, output: output(true) });

    // THEN each names the same addresses
    expect(inventory.networks.map((network) => [network.name, sorted(network.egressIps)])).toEqual([['partners', held.publicIps]]);
    expect(api.networks.map((network) => sorted(network.egressIps))).toEqual([held.publicIps]);
    for (const ip of held.publicIps) expect(networksText).toContain(ip);
    expect(json.code).toBe(0);
    const document = JSON.parse(json.out) as EgressIpsDocument;
    expect([document.network, document.vpcId, sorted(document.egressIps)]).toEqual(['partners', result.network.vpcId, held.publicIps]);
    expect(document.addresses.every((address) => address.allocatedBy === 'lambda-egress')).toBe(true);
    // the plain form is one address a line and nothing else, for an allow-list
    expect([plain.code, plain.out]).toEqual([0, `${result.network.egressIps.join('\n')}\n`]);
    expect(listed.code).toBe(0);
    for (const address of result.network.egress.addresses) expect(listed.out).toMatch(new RegExp(`${address.publicIp.replace(/\./g, '\\.')}.*\\(${address.az}\\)`));
    expect(diagnosed.code).toBe(0);
    expect(sorted((JSON.parse(diagnosed.out) as Diagnosis).egressIps ?? [])).toEqual(held.publicIps);
  });

  it('fails with exit 2 naming the network when egress-ips is asked for one the registry does not know', async () => {
    // GIVEN an account with no network
    await emulator.freshAccount();

    // WHEN egress-ips is asked for an unknown network
    const run = await egressIps('nowhere', { plain: true });

    // THEN it exits 2 and says what to do, printing no address
    expect([run.code, run.out]).toEqual([2, '']);
    expect(run.err).toContain('--network nowhere: no such network in the registry');
  });

  it('regional (fault proxy: regional NAT gateway): one address per AZ of the VPC, as DescribeNatGateways lists them, in the result and in egress-ips', async () => {
    // GIVEN a function provisioned with natGateways "regional" on 2 AZs
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe());
    const run = await provision({ functionName, network: { name: 'regional', natGateways: 'regional', azCount: 2 } });
    expect([run.status, run.error]).toEqual(['SUCCEEDED', undefined]);
    const result = run.output as ProvisionResult;

    // THEN the result names one public IP per AZ of the network, the regional NAT gateway's as DescribeNatGateways holds them
    const nat = ((await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [result.network.vpcId] }] }))).NatGateways ?? [])[0];
    const held = (nat?.NatGatewayAddresses ?? []).map((address) => [address.AvailabilityZone, address.PublicIp]).sort();
    expect(held).toHaveLength(2);
    expect(result.network.egress.addresses.map((address) => [address.az, address.publicIp]).sort()).toEqual(held);
    expect(sorted(result.network.egressIps)).toEqual(sorted(held.map(([, ip]) => ip ?? '')));
    expect(new Set(result.network.egress.addresses.map((address) => address.natId))).toEqual(new Set([nat?.NatGatewayId]));

    // AND egress-ips reads the same from AWS for the registered network
    const plain = await egressIps('regional', { plain: true });
    expect([plain.code, plain.out.trim().split('\n')]).toEqual([0, result.network.egressIps]);
  });

  it('instance: each NAT instance\'s Elastic IP, as its fixed network interface and DescribeAddresses hold it', async () => {
    // GIVEN a function provisioned with natGateways "instance" on 2 AZs
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe());
    const run = await provision({ functionName, network: { name: 'instances', natGateways: 'instance', azCount: 2 } });
    expect([run.status, run.error]).toEqual(['SUCCEEDED', undefined]);
    const result = run.output as ProvisionResult;

    // THEN each NAT instance's interface leaves from the address associated with it, in its AZ
    const eniIds = result.network.natGateways.map((nat) => nat.natTargetId);
    const enis = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: eniIds }))).NetworkInterfaces ?? [];
    expect(enis).toHaveLength(2);
    expect(result.network.egress.addresses.map((address) => [address.natId, address.az, address.publicIp]).sort()).toEqual(
      enis.map((eni) => [eni.NetworkInterfaceId, eni.AvailabilityZone, eni.Association?.PublicIp]).sort(),
    );
    const eips = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: result.network.egress.addresses.map((address) => address.allocationId ?? '') }))).Addresses ?? [];
    expect(sorted(eips.map((eip) => eip.PublicIp ?? ''))).toEqual(sorted(result.network.egressIps));

    // AND egress-ips reads the same from AWS
    const plain = await egressIps('instances', { plain: true });
    expect([plain.code, plain.out.trim().split('\n')]).toEqual([0, result.network.egressIps]);
  });
});
