import { DescribeNatGatewaysCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { TAG_NETWORK } from '../functions/shared/tags';
import { emulator } from '../local/test-support/emulator-control';
import type { CallRecord } from '../local/test-support/fault-rules';
import { mutatingByTask } from './api-economy';
import { countAction, kindOf } from './call-log';
import type { IsolatedEmulator } from '../local/test-support/proxied-emulator';
import { createUserFunction, expectStatus, freshAccount, measureProvision } from './provision-run';
import { BENCH_AZ_COUNT, BENCH_NETWORK, createModeRequest } from './requests';

/** Totals after the first `functions` provisions onto the shared network. */
interface ScaleCheckpoint {
  readonly functions: number;
  readonly vpcsCreated: number;
  readonly natGatewaysCreated: number;
  readonly calls: number;
  readonly mutatingCalls: number;
  readonly stateTransitions: number;
  readonly wallSeconds: number;
  /** Of the last provision in this checkpoint. */
  readonly lastProvision: { readonly calls: number; readonly mutatingCalls: number; readonly mutatingByTask: Record<string, string[]>; readonly wallMs: number };
}

export interface Scale {
  readonly checkpoints: ScaleCheckpoint[];
  /** Described at the end, not counted: VPCs and live NAT gateways tagged with the network's name. */
  readonly described: { readonly vpcs: number; readonly natGateways: number };
  readonly azs: number;
}

/** Section 5: `total` different functions provisioned one after another onto one network, in one account. */
export async function measureScale(environment: IsolatedEmulator, total: number, checkpointsAt: readonly number[]): Promise<Scale> {
  await freshAccount();
  const calls: CallRecord[] = [];
  const checkpoints: ScaleCheckpoint[] = [];
  let transitions = 0;
  let wallMs = 0;
  for (let index = 1; index <= total; index += 1) {
    const functionName = `service-${String(index).padStart(2, '0')}`;
    await createUserFunction(functionName);
    const measured = expectStatus(await measureProvision(environment, createModeRequest(functionName)), 'SUCCEEDED', `scale: provision ${index}`);
    // Keep the proxy's log short: this loop holds the calls.
    await emulator.clearCalls();
    calls.push(...measured.calls);
    transitions += measured.run.stateTransitions;
    wallMs += measured.wallMs;
    if (checkpointsAt.includes(index)) {
      checkpoints.push({
        functions: index,
        vpcsCreated: countAction(calls, 'CreateVpc'),
        natGatewaysCreated: countAction(calls, 'CreateNatGateway'),
        calls: calls.length,
        mutatingCalls: calls.filter((call) => kindOf(call.action) === 'mutating').length,
        stateTransitions: transitions,
        wallSeconds: wallMs / 1000,
        lastProvision: {
          calls: measured.calls.length,
          mutatingCalls: measured.calls.filter((call) => kindOf(call.action) === 'mutating').length,
          mutatingByTask: mutatingByTask(measured.invocations),
          wallMs: measured.wallMs,
        },
      });
    }
  }
  const ec2 = new EC2Client({});
  const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: `tag:${TAG_NETWORK}`, Values: [BENCH_NETWORK] }] }))).Vpcs ?? [];
  const vpcIds = vpcs.flatMap((vpc) => (vpc.VpcId ? [vpc.VpcId] : []));
  const nats = vpcIds.length
    ? ((await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: vpcIds }] }))).NatGateways ?? []).filter((nat) => nat.State === 'available')
    : [];
  await emulator.clearCalls();
  return { checkpoints, described: { vpcs: vpcIds.length, natGateways: nats.length }, azs: BENCH_AZ_COUNT };
}
