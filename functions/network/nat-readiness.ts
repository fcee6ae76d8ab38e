import type { AwsClients } from '../shared/clients';
import type { NatGatewaysCheck, NatGatewaySlice } from './types';
import type { NatTargetKind } from './nat-mode';
import { natGatewayStates } from './nat-gateway-readiness';
import { natInstanceStates } from './nat-instance-readiness';

type NatReadiness = (clients: Pick<AwsClients, 'ec2' | 'autoscaling'>, nats: readonly NatGatewaySlice[]) => Promise<Array<NatGatewaysCheck['gateways'][number]>>;

/**
 * CheckNatGateways' half of each kind of NAT target (its calls are CheckNatGateways' grants alone): the state of
 * each NAT of that kind, `available` when it forwards. Checked in this order (a NAT instance's missing interface
 * is reported before a NAT gateway's failure); reported NAT gateways first.
 */
export const NAT_READINESS: Readonly<Record<NatTargetKind, NatReadiness>> = {
  'nat-instance': natInstanceStates,
  'nat-gateway': natGatewayStates,
};
