import { DescribeNatGatewaysCommand, DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { createClients, type AwsClients } from '../shared/clients';
import { NatGatewayFailed } from '../shared/errors';
import { taskHandler } from '../shared/task-handler';
import { isNatInstanceTarget, type CheckNatGatewaysInput, type NatGatewaysCheck } from './types';

/**
 * CheckNatGateways, one round of the NAT wait loop: `allAvailable` once every NAT gateway is available. A NAT
 * that AWS reports `failed` (or `deleting`/`deleted`) fails the execution with NatGatewayFailed carrying AWS's
 * FailureCode and FailureMessage, so the person reading it knows why (e.g. Gateway.NotAttached).
 */
export async function checkNatGateways(clients: Pick<AwsClients, 'ec2'>, input: CheckNatGatewaysInput): Promise<NatGatewaysCheck> {
  const all = input.natGateways ?? [];
  const instances = await checkNatInstanceEnis(clients.ec2, all.filter((nat) => isNatInstanceTarget(nat.natGatewayId)));
  const expected = all.filter((nat) => !isNatInstanceTarget(nat.natGatewayId));
  if (expected.length === 0) return { allAvailable: true, gateways: instances };
  const ids = [...new Set(expected.map((nat) => nat.natGatewayId))];
  // The filter form: NatGatewayIds would fail the whole call with NatGatewayNotFound if one were gone.
  const described = await clients.ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'nat-gateway-id', Values: ids }] }));
  const byId = new Map((described.NatGateways ?? []).map((nat) => [nat.NatGatewayId, nat]));
  const gateways = ids.map((natGatewayId) => {
    const az = expected.find((nat) => nat.natGatewayId === natGatewayId)?.az ?? '';
    const nat = byId.get(natGatewayId);
    return { natGatewayId, az, state: nat?.State ?? 'missing', failureCode: nat?.FailureCode, failureMessage: nat?.FailureMessage };
  });
  // Not listed is not gone: a NAT gateway created a moment ago can be missing from a filtered Describe
  // (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html), so it counts as pending and the
  // wait loop's bound (NatGatewayTimeout) ends a wait for one that never shows; `deleting`/`deleted` is AWS's word.
  const broken = gateways.find((gateway) => ['failed', 'deleting', 'deleted'].includes(gateway.state));
  if (broken) {
    const because =
      broken.state === 'failed'
        ? `failed: ${broken.failureCode ?? 'no failure code'}: ${broken.failureMessage ?? 'AWS gave no failure message'}`
        : `is ${broken.state}: it was deleted while the workflow waited for it`;
    throw new NatGatewayFailed(`NAT gateway ${broken.natGatewayId} in ${broken.az} ${because}`, {
      natGatewayId: broken.natGatewayId,
      az: broken.az,
      state: broken.state,
      ...(broken.failureCode ? { failureCode: broken.failureCode } : {}),
      ...(broken.failureMessage ? { failureMessage: broken.failureMessage } : {}),
    });
  }
  return {
    allAvailable: gateways.every((gateway) => gateway.state === 'available'),
    gateways: [...gateways.map(({ natGatewayId, az, state }) => ({ natGatewayId, az, state })), ...instances],
  };
}

/**
 * natGateways "instance": the fixed ENI the routes target must still exist (else NatGatewayFailed, like a NAT
 * gateway that is gone). It counts as `available` once it is: the instance behind it is the Auto Scaling group's
 * to keep (and to replace), and the probe (RunProbe) proves the path through it.
 */
async function checkNatInstanceEnis(ec2: EC2Client, enis: CheckNatGatewaysInput['natGateways']): Promise<NatGatewaysCheck['gateways']> {
  if (enis.length === 0) return [];
  const ids = enis.map((nat) => nat.natGatewayId);
  const described = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'network-interface-id', Values: ids }] }));
  const present = new Set((described.NetworkInterfaces ?? []).map((eni) => eni.NetworkInterfaceId));
  const missing = enis.find((nat) => !present.has(nat.natGatewayId));
  if (missing) {
    throw new NatGatewayFailed(`the NAT instance network interface ${missing.natGatewayId} in ${missing.az} is not found: it was deleted while the workflow waited for it`, {
      natGatewayId: missing.natGatewayId,
      az: missing.az,
      state: 'missing',
    });
  }
  return enis.map((nat) => ({ natGatewayId: nat.natGatewayId, az: nat.az, state: 'available' }));
}

const clients = createClients({ ec2: EC2Client });
export const handler = taskHandler('CheckNatGateways', (input: CheckNatGatewaysInput) => checkNatGateways(clients, input));
