import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { createClients, type AwsClients } from '../shared/clients';
import { taskHandler } from '../shared/task-handler';
import type { NatTargetKind } from './nat-mode';
import { NAT_READINESS } from './nat-readiness';
import { NAT_TARGETS, natTargetOf } from './nat-targets';
import type { CheckNatGatewaysInput, NatGatewaysCheck } from './types';

/**
 * CheckNatGateways, one round of the NAT wait loop: `allAvailable` once every NAT is available, each kind of
 * NAT (gateway, instance) checked as its kind is (nat-readiness.ts). A NAT that is broken or gone fails
 * the execution with NatGatewayFailed, saying why.
 */
async function checkNatGateways(clients: Pick<AwsClients, 'ec2' | 'autoscaling'>, input: CheckNatGatewaysInput): Promise<NatGatewaysCheck> {
  const all = input.natGateways ?? [];
  // What is not a NAT instance's interface is read as a NAT gateway: AWS then says what it is.
  const kindOf = (id: string): NatTargetKind => natTargetOf(id)?.kind ?? 'nat-gateway';
  const states = new Map<NatTargetKind, NatGatewaysCheck['gateways']>();
  for (const [kind, readiness] of Object.entries(NAT_READINESS) as Array<[NatTargetKind, (typeof NAT_READINESS)[NatTargetKind]]>) {
    states.set(kind, await readiness(clients, all.filter((nat) => kindOf(nat.natTargetId) === kind)));
  }
  const gateways = (Object.keys(NAT_TARGETS) as NatTargetKind[]).flatMap((kind) => states.get(kind) ?? []);
  return { allAvailable: gateways.every((gateway) => gateway.state === 'available'), gateways };
}

const clients = createClients({ ec2: EC2Client, autoscaling: AutoScalingClient });
export const handler = taskHandler('CheckNatGateways', (input: CheckNatGatewaysInput) => checkNatGateways(clients, input));
