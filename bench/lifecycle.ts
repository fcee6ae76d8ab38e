import { CreateNetworkInterfaceCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { ProvisionResult } from '../functions/report/types';
import { TEARDOWN_MAX_ATTEMPTS } from '../functions/teardown/teardown-ledger';
import { emulator } from '../local/test-support/emulator-control';
import type { IsolatedEmulator } from '../local/test-support/proxied-emulator';
import { allStates, readDefinitionText, RELEASE_DEFINITION_PATH, TEARDOWN_DEFINITION_PATH, type AslDefinition } from '../statemachine/definition';
import { mutatingByTask } from './api-economy';
import { summarizeCalls, type CallSummary } from './call-log';
import { LEVELS, levelOf, type LatencyProfileFile, type Level } from './latency-profile';
import { createUserFunction, expectStatus, freshAccount, measureProvision, type MeasuredRun } from './provision-run';
import { createModeRequest } from './requests';
import { simulate, type SimNode, type SimPoll, type SimTask } from './simulation';
import { planOfRun, pollShape } from './simulation-plan';

/** The gate of bench/latency-profile.json: Lambda releases the Hyperplane ENIs after the last function left. */
const ENI_RELEASE_GATE = 'lambda-eni-release';
const TEARDOWN_CHECK = 'TeardownNetwork';
const TEARDOWN_WAIT = 'WaitForTeardown';

/** Section 7: the mutating calls of a release and of a teardown, and the teardown's simulated time. */
export interface LifecycleBench {
  readonly release: CallSummary & { readonly mutatingByTask: Record<string, string[]> };
  /** The teardown of the same network, with its probe's Lambda ENI in-use at the first two passes (3 passes: first, waiting, last). */
  readonly teardown: CallSummary & { readonly mutatingByTask: Record<string, string[]>; readonly passes: number; readonly mutatingPerPass: number[] };
  readonly teardownTime: TeardownTimeLevel[];
}

export interface TeardownTimeLevel {
  readonly level: Level;
  readonly eniReleaseSeconds: number;
  readonly teardownSeconds: number;
  /** teardown / ENI release (goal <= 1.1). */
  readonly ratio: number;
  /** Before the ENI clock starts (validate, lock, the first pass up to the probe's DeleteFunction), and after the ENIs are released. */
  readonly beforeClockSeconds: number;
  readonly afterReleaseSeconds: number;
  readonly passes: number;
  /** The passes ran out (TeardownTimeout) before the ENIs were released. */
  readonly exhausted: boolean;
}

/** Provision a network (create mode, 2 AZs), release its function, tear it down: each run traced from the fault proxy's call log. */
export async function measureLifecycle(environment: IsolatedEmulator, profile: LatencyProfileFile): Promise<LifecycleBench> {
  await freshAccount();
  await createUserFunction('orders-api');
  const provisioned = expectStatus(await measureProvision(environment, createModeRequest('orders-api')), 'SUCCEEDED', 'provision before the release');
  const result = provisioned.run.output as ProvisionResult;
  const release = expectStatus(
    await measureProvision(environment, { functionName: 'orders-api' }, { workflow: { definitionPath: RELEASE_DEFINITION_PATH, stateMachineName: 'lambda-egress-release' } }),
    'SUCCEEDED',
    'release',
  );
  // The probe's Hyperplane ENI (moto creates none), in-use at the first two passes as Lambda keeps it after the probe is deleted.
  await new EC2Client({}).send(
    new CreateNetworkInterfaceCommand({ SubnetId: result.network.privateSubnetIds[0], Groups: [result.network.securityGroupId!], Description: `AWS Lambda VPC ENI-lambda-egress-probe-${result.network.name}-bench` }),
  );
  // Each pass describes the network's interfaces twice (by subnet, by group): a first pass, one that only waits, the last.
  await emulator.inject({ service: 'ec2', action: 'DescribeNetworkInterfaces', times: 4, fault: { type: 'rewrite', replacements: [{ pattern: '<status>available</status>', replacement: '<status>in-use</status>' }] } });
  const teardown = expectStatus(
    await measureProvision(environment, { network: result.network.name }, { workflow: { definitionPath: TEARDOWN_DEFINITION_PATH, stateMachineName: 'lambda-egress-teardown' } }),
    'SUCCEEDED',
    'teardown',
  );
  const passInvocations = teardown.invocations.filter((invocation) => invocation.task === TEARDOWN_CHECK);
  const mutatingPerPass = passInvocations.map((invocation) => summarizeCalls(invocation.calls).mutating);
  const passes = passInvocations.length;
  return {
    release: { ...summarizeCalls(release.calls), mutatingByTask: mutatingByTask(release.invocations) },
    teardown: { ...summarizeCalls(teardown.calls), mutatingByTask: mutatingByTask(teardown.invocations), passes, mutatingPerPass },
    teardownTime: simulateTeardown(JSON.parse(readDefinitionText(TEARDOWN_DEFINITION_PATH)) as AslDefinition, teardown, profile),
  };
}

/**
 * The traced teardown as simulation steps: its first pass (which deletes the probe function: the ENI clock
 * starts), the definition's Wait, then a poll of TeardownNetwork whose check is the traced last pass, until
 * the ENIs are released, bounded as TeardownNetwork bounds it (TEARDOWN_MAX_ATTEMPTS passes in all).
 */
function teardownPlan(definition: AslDefinition, run: MeasuredRun, openedBy: string): SimNode[] {
  const nodes = planOfRun(definition, run.run.events, run.invocations, []);
  const passes = nodes.flatMap((node, index) => (node.kind === 'task' && node.task === TEARDOWN_CHECK ? [index] : []));
  if (passes.length < 2) throw new Error(`the traced teardown made ${passes.length} pass(es); the simulation needs one that waited`);
  const [first, last] = [passes[0]!, passes.at(-1)!];
  const shape = pollShape(definition, TEARDOWN_WAIT);
  const lastPass = nodes[last] as SimTask;
  const poll: SimPoll = {
    kind: 'poll',
    gate: ENI_RELEASE_GATE,
    // A DeleteFunction of the probe already gone (ResourceNotFound) does not restart Lambda's clock.
    check: { ...lastPass, actions: lastPass.actions.filter((action) => action !== openedBy) },
    decide: { kind: 'state', name: shape.decide },
    loop: shape.loop,
    maxIterations: TEARDOWN_MAX_ATTEMPTS - 2,
  };
  const decideAfter = (index: number) => (nodes[index + 1]?.kind === 'state' ? 2 : 1);
  return [...nodes.slice(0, first + decideAfter(first)), ...shape.loop, poll, ...nodes.slice(last + decideAfter(last))];
}

function simulateTeardown(definition: AslDefinition, run: MeasuredRun, profile: LatencyProfileFile): TeardownTimeLevel[] {
  const gate = profile.pending.find((entry) => entry.gate === ENI_RELEASE_GATE);
  if (!gate) throw new Error(`bench/latency-profile.json has no pending ${ENI_RELEASE_GATE}`);
  const plan = teardownPlan(definition, run, gate.openedBy);
  if (!allStates(definition).some(([name]) => name === TEARDOWN_WAIT)) throw new Error(`the teardown definition has no ${TEARDOWN_WAIT}`);
  return LEVELS.map((level) => {
    // The teardown's tasks have no gated retries (the provision's model has AttachFunction's and RunProbe's).
    const simulated = simulate(plan, { ...levelOf(profile, level), retryGates: [] });
    const eniMs = levelOf(profile, level).gates.find((entry) => entry.gate === ENI_RELEASE_GATE)!.pendingMs;
    const releasedAt = simulated.gatesOpenAtMs[ENI_RELEASE_GATE] ?? 0;
    return {
      level,
      eniReleaseSeconds: eniMs / 1000,
      teardownSeconds: simulated.totalMs / 1000,
      ratio: simulated.totalMs / eniMs,
      beforeClockSeconds: (releasedAt - eniMs) / 1000,
      afterReleaseSeconds: (simulated.totalMs - releasedAt) / 1000,
      passes: 2 + (simulated.pollIterations[ENI_RELEASE_GATE] ?? 0),
      exhausted: simulated.exhausted.length > 0,
    };
  });
}
