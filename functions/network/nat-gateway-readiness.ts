import { DescribeNatGatewaysCommand } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../shared/clients';
import { NatGatewayFailed } from '../shared/errors';
import { addressesOfNatGateway } from './egress-address';
import type { NatGatewaysCheck, NatGatewaySlice } from './types';

type Gateway = NatGatewaysCheck['gateways'][number];

/**
 * Readiness of NAT gateways (zonal and regional): each as AWS reports it, `available` when ready. A NAT that AWS
 * reports `failed` (or `deleting`/`deleted`) fails the execution with NatGatewayFailed carrying AWS's
 * FailureCode and FailureMessage, so the person reading it knows why (e.g. Gateway.NotAttached).
 */
export async function natGatewayStates(clients: Pick<AwsClients, 'ec2'>, expected: readonly NatGatewaySlice[]): Promise<Gateway[]> {
  if (expected.length === 0) return [];
  const ids = [...new Set(expected.map((nat) => nat.natTargetId))];
  // The filter form: NatGatewayIds would fail the whole call with NatGatewayNotFound if one were gone.
  const described = await clients.ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'nat-gateway-id', Values: ids }] }));
  const byId = new Map((described.NatGateways ?? []).map((nat) => [nat.NatGatewayId, nat]));
  const gateways = ids.map((natGatewayId) => {
    const az = expected.find((nat) => nat.natTargetId === natGatewayId)?.az ?? '';
    const nat = byId.get(natGatewayId);
    return { natTargetId: natGatewayId, az, state: nat?.State ?? 'missing', failureCode: nat?.FailureCode, failureMessage: nat?.FailureMessage, addresses: nat ? addressesOfNatGateway(nat, az) : [] };
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
    throw new NatGatewayFailed(`NAT gateway ${broken.natTargetId} in ${broken.az} ${because}`, {
      natGatewayId: broken.natTargetId,
      az: broken.az,
      state: broken.state,
      ...(broken.failureCode ? { failureCode: broken.failureCode } : {}),
      ...(broken.failureMessage ? { failureMessage: broken.failureMessage } : {}),
    });
  }
  return gateways.map(({ natTargetId, az, state, addresses }) => ({ natTargetId, az, state, addresses }));
}
