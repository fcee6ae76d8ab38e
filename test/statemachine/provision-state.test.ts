import type { NatPlacement, NetworkState } from '../../functions/network/types';
import { RELEASE_STATE_KEYS, type ReleaseWorkflowState } from '../../functions/release/types';
import { TEARDOWN_STATE_KEYS, type TeardownWorkflowState } from '../../functions/teardown/types';
import { DETAILS_PREFIX } from '../../functions/shared/errors';
import { collectLedger, ledgerEntry } from '../../functions/shared/ledger';
import { PROVISION_LEDGER_PATHS, type DeclaredLedgerPath } from '../../functions/shared/state/ledger-paths';
import { allStates, readDefinitionText, PROVISION_DEFINITION_PATH, RELEASE_DEFINITION_PATH, TEARDOWN_DEFINITION_PATH, type AslDefinition, type AslState } from '../../statemachine/definition';
import {
  PROVISION_STATE_KEYS,
  type AlreadyMemberState,
  type LedgerPathsOf,
  type ProvisionState,
  type ProvisionTaskInput,
  type ProvisionTaskReads,
} from '../../statemachine/provision-state';

/** True when A and B are the same type (each assignable to the other, unions compared member by member). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** True when the task's Pick of the state is what its handler takes. */
type Accepts<Task extends keyof ProvisionTaskReads, Module extends { handler: (input: never) => unknown }> =
  ProvisionTaskInput<Task> extends Parameters<Module['handler']>[0] ? true : false;

const definition = JSON.parse(readDefinitionText(PROVISION_DEFINITION_PATH)) as AslDefinition;
const releaseDefinition = JSON.parse(readDefinitionText(RELEASE_DEFINITION_PATH)) as AslDefinition;
const teardownDefinition = JSON.parse(readDefinitionText(TEARDOWN_DEFINITION_PATH)) as AslDefinition;
const topKey = (path: string) => /^\$\.([A-Za-z]+)/.exec(path)?.[1];

/** Every top-level key the ASL writes: ResultPaths (of states and of their Catches), and the keys of the Pass states that rebuild the whole state. */
function keysTheAslWrites(asl: AslDefinition = definition): Array<{ state: string; key: string }> {
  return allStates(asl).flatMap(([state, body]) => [...ownKeysWritten(state, body), ...(body.Catch ?? []).flatMap((caught) => ownKeysWritten(state, caught as unknown as AslState))]);
}

function ownKeysWritten(state: string, body: AslState): Array<{ state: string; key: string }> {
  {
    if (typeof body.ResultPath === 'string') return [{ state, key: topKey(body.ResultPath) ?? body.ResultPath }];
    const rebuilds = body.Type === 'Pass' && body.ResultPath === undefined && typeof body.Next === 'string' && typeof body.Parameters === 'object';
    return rebuilds ? Object.keys(body.Parameters as object).map((key) => ({ state, key: key.replace(/\.\$$/, '') })) : [];
  }
}

describe('the provision state (statemachine/provision-state.ts)', () => {
  it('has a key for every top-level key a state of provision.asl.json writes, and nothing the ASL never writes', () => {
    // GIVEN the generated ASL and the state type's keys
    const declared = new Set<string>(PROVISION_STATE_KEYS);
    const keysMatch: Equal<(typeof PROVISION_STATE_KEYS)[number], keyof ProvisionState> = true;

    // WHEN every ResultPath (and every rebuilt state's key) is read
    const written = keysTheAslWrites();

    // THEN each is a key of ProvisionState, and each key is written by the ASL or is ValidateRequest's result
    expect(keysMatch).toBe(true);
    expect(written.filter(({ key }) => !declared.has(key))).toEqual([]);
    const validateRequestResult = ['execution', 'request', 'requestedBy', 'alreadyMember', 'timing'];
    const writtenKeys = new Set([...written.map(({ key }) => key), ...validateRequestResult]);
    expect(PROVISION_STATE_KEYS.filter((key) => !writtenKeys.has(key))).toEqual([]);
  });

  it("gives every task that reads the state a Pick of it its handler accepts (npx tsc --noEmit fails on a mismatch: ts-jest only transpiles)", () => {
    const accepted: Record<keyof ProvisionTaskReads, true> = {
      RecordFunction: true satisfies Accepts<'RecordFunction', typeof import('../../functions/function/record-function')>,
      AcquireNetworkLock: true satisfies Accepts<'AcquireNetworkLock', typeof import('../../functions/membership/acquire-network-lock')>,
      AuditExistingVpc: true satisfies Accepts<'AuditExistingVpc', typeof import('../../functions/network/audit-existing-vpc')>,
      EnsureVpc: true satisfies Accepts<'EnsureVpc', typeof import('../../functions/network/ensure-vpc')>,
      EnsureSubnets: true satisfies Accepts<'EnsureSubnets', typeof import('../../functions/network/ensure-subnets')>,
      EnsureInternetGateway: true satisfies Accepts<'EnsureInternetGateway', typeof import('../../functions/network/ensure-internet-gateway')>,
      EnsureSecurityGroup: true satisfies Accepts<'EnsureSecurityGroup', typeof import('../../functions/network/ensure-security-group')>,
      EnsureProbeFunction: true satisfies Accepts<'EnsureProbeFunction', typeof import('../../functions/probe/ensure-probe-function')>,
      AttachVpcAccessPolicy: true satisfies Accepts<'AttachVpcAccessPolicy', typeof import('../../functions/function/attach-vpc-access-policy')>,
      EnsureRouteTables: true satisfies Accepts<'EnsureRouteTables', typeof import('../../functions/network/ensure-route-tables')>,
      RunProbe: true satisfies Accepts<'RunProbe', typeof import('../../functions/probe/run-probe')>,
      CheckJoinNetwork: true satisfies Accepts<'CheckJoinNetwork', typeof import('../../functions/probe/check-join-network')>,
      EnsureS3Endpoint: true satisfies Accepts<'EnsureS3Endpoint', typeof import('../../functions/network/ensure-s3-endpoint')>,
      AttachFunction: true satisfies Accepts<'AttachFunction', typeof import('../../functions/function/attach-function')>,
      RecordMembership: true satisfies Accepts<'RecordMembership', typeof import('../../functions/membership/record-membership')>,
      ReleaseNetworkLock: true satisfies Accepts<'ReleaseNetworkLock', typeof import('../../functions/membership/release-network-lock')>,
      DetachVpcAccessPolicy: true satisfies Accepts<'DetachVpcAccessPolicy', typeof import('../../functions/function/detach-vpc-access-policy')>,
      Rollback: true satisfies Accepts<'Rollback', typeof import('../../functions/rollback/rollback')>,
    };
    // ReportResult reads its slices as loose records (it reports AlreadyMemberState too): each key it reads is one of the state's.
    type ReportReads = keyof Parameters<(typeof import('../../functions/report/report-result'))['handler']>[0];
    const reportReadsState: Exclude<ReportReads, keyof ProvisionState | keyof AlreadyMemberState> extends never ? true : false = true;

    // EnsureNatGateway reads the Map's ItemSelector: the state's slices it names and one placement.
    type NatItem = Pick<ProvisionState, 'execution' | 'request' | 'lock'> & { network: Required<Pick<NetworkState, 'vpc' | 'subnets' | 'internetGateway'>>; placement: NatPlacement };
    const natItemAccepted: NatItem extends Parameters<(typeof import('../../functions/network/ensure-nat-gateway'))['handler']>[0] ? true : false = true;

    // Every task whose Task state passes it the state, and no other, reads a declared Pick.
    const mapItems = new Set(allStates(definition).flatMap(([, state]) => (state.ItemProcessor ? allStates(state.ItemProcessor).map(([name]) => name) : [])));
    const stateReaders = allStates(definition)
      .filter(([name]) => !mapItems.has(name))
      .filter(([, state]) => state.Type === 'Task' && state.Parameters === undefined && !['${ValidateRequestFunctionArn}', '${ReportResultFunctionArn}'].includes(String(state.Resource)))
      .map(([, state]) => /^\$\{(\w+)FunctionArn\}$/.exec(String(state.Resource))?.[1]);
    expect(new Set(stateReaders)).toEqual(new Set(Object.keys(accepted)));
    expect(reportReadsState).toBe(true);
    expect(natItemAccepted).toBe(true);
  });

  it('declares exactly the paths of its slices that carry a ledger (functions/shared/state/ledger-paths.ts)', () => {
    // A ledgered slice added to the state type without its path, or a path naming no ledgered slice, fails npx tsc --noEmit here.
    const pathsMatch: Equal<LedgerPathsOf<ProvisionState>, DeclaredLedgerPath> = true;
    expect(pathsMatch).toBe(true);
    expect(new Set(PROVISION_LEDGER_PATHS).size).toBe(PROVISION_LEDGER_PATHS.length);
    expect(PROVISION_LEDGER_PATHS).toEqual(expect.arrayContaining(['$.network.vpc', '$.network.natGateways[*]', '$.parallel[*].network.natGateways[*]', '$.proof[*].s3Endpoint']));
  });
});

describe('the release and teardown states (functions/release/types.ts, functions/teardown/types.ts)', () => {
  it('have a key for every top-level key release.asl.json and teardown.asl.json write', () => {
    // GIVEN both states' keys; a release that continues into a teardown starts the teardown's state anew
    const keysMatch: [Equal<(typeof RELEASE_STATE_KEYS)[number], keyof ReleaseWorkflowState>, Equal<(typeof TEARDOWN_STATE_KEYS)[number], keyof TeardownWorkflowState>] = [true, true];
    const teardownKeys = new Set<string>(TEARDOWN_STATE_KEYS);
    const releaseOrTeardown = new Set<string>([...RELEASE_STATE_KEYS, ...TEARDOWN_STATE_KEYS]);

    // WHEN the keys each ASL writes are read (StartTeardown builds the teardown's execution input: network, release)
    const teardownWrites = keysTheAslWrites(teardownDefinition);
    const releaseWrites = keysTheAslWrites(releaseDefinition).filter(({ state }) => state !== 'StartTeardown');

    // THEN each is a key of its state
    expect(keysMatch).toEqual([true, true]);
    expect(teardownWrites.filter(({ key }) => !teardownKeys.has(key))).toEqual([]);
    expect(releaseWrites.filter(({ key }) => !releaseOrTeardown.has(key))).toEqual([]);
    expect(keysTheAslWrites(releaseDefinition).filter(({ state }) => state === 'StartTeardown').map(({ key }) => key)).toEqual(['network', 'release']);
  });

  it('give each release and teardown task a Pick of its state its handler accepts (npx tsc --noEmit fails on a mismatch: ts-jest only transpiles)', () => {
    type Release<Keys extends keyof ReleaseWorkflowState> = Pick<ReleaseWorkflowState, Keys>;
    type Teardown<Keys extends keyof TeardownWorkflowState> = Pick<TeardownWorkflowState, Keys>;
    type InputOf<Module extends { handler: (input: never) => unknown }> = Parameters<Module['handler']>[0];
    const accepted = [
      true satisfies (Release<'execution' | 'request' | 'purpose' | 'membership' | 'networkVpcConfig'> extends InputOf<typeof import('../../functions/release/restore-function')> ? true : false),
      // RestoreRolePolicy runs only after RestoreFunction: `restore` is there.
      true satisfies (Release<'execution' | 'request' | 'purpose' | 'membership' | 'networkVpcConfig' | 'rolePolicy'> & Required<Release<'restore'>> extends InputOf<typeof import('../../functions/release/restore-role-policy')> ? true : false),
      true satisfies (Release<'execution' | 'request' | 'purpose' | 'membership' | 'networkVpcConfig'> extends InputOf<typeof import('../../functions/release/remove-membership')> ? true : false),
      true satisfies (Release<'execution' | 'request' | 'purpose' | 'lock'> extends InputOf<typeof import('../../functions/membership/acquire-network-lock')> ? true : false),
      true satisfies (Teardown<'execution' | 'request' | 'purpose' | 'lock'> extends InputOf<typeof import('../../functions/membership/acquire-network-lock')> ? true : false),
      true satisfies (Teardown<'execution' | 'request' | 'purpose' | 'teardown' | 'releaseEgressIps'> extends InputOf<typeof import('../../functions/teardown/teardown-network')> ? true : false),
    ];
    expect(accepted.every(Boolean)).toBe(true);
  });
});

describe('collectLedger over the declared paths', () => {
  const entry = (id: string, createdAt: string) => ({ ...ledgerEntry('subnet', id), createdAt });
  const cause = (ids: string[]) =>
    JSON.stringify({ errorType: 'InternalError', errorMessage: `it failed\n${DETAILS_PREFIX}${JSON.stringify({ ledger: ids.map((id) => entry(id, '2026-01-01T00:00:09.000Z')) })}` });

  it('gathers the ledger of each declared slice (settled branches included) and of a caught Cause, and not a planted undeclared `ledger`', () => {
    // GIVEN a state failing in the NAT branch: slices at declared paths, a failed item's Cause, and two planted `ledger` keys
    const state = {
      execution: { id: 'arn:exec', name: 'exec' },
      network: { vpc: { vpcId: 'vpc-1', ledger: [entry('vpc-slice', '2026-01-01T00:00:01.000Z')] }, extra: { ledger: [entry('planted-network', '2026-01-01T00:00:02.000Z')] } },
      lock: { acquired: true, ledger: [entry('planted-lock', '2026-01-01T00:00:03.000Z')] },
      parallel: [
        { network: { natGateways: [{ ledger: [entry('nat-item', '2026-01-01T00:00:04.000Z')] }, { error: { Error: 'InternalError', Cause: cause(['nat-cause']) } }] }, error: { Error: 'X' } },
        { securityGroup: { groupId: 'sg-1', ledger: [entry('branch-result', '2026-01-01T00:00:05.000Z')] }, ledger: [entry('planted-branch', '2026-01-01T00:00:06.000Z')] },
      ],
    };

    // WHEN the ledger is collected
    const ids = collectLedger(state).map((found) => found.id);

    // THEN only the declared slices and the Cause count, in creation order
    expect(ids).toEqual(['vpc-slice', 'nat-item', 'branch-result', 'nat-cause']);
  });

  it('gathers nothing from a state with no declared slice, whatever it holds under the name `ledger`', () => {
    expect(collectLedger({ ledger: [entry('top', '2026-01-01T00:00:01.000Z')], membership: { ledger: [entry('m', '2026-01-01T00:00:01.000Z')] } })).toEqual([]);
  });
});
