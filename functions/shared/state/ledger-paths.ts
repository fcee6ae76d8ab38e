/**
 * The paths of the provision state (statemachine/provision-state.ts) whose slice carries a `ledger`: what
 * Rollback deletes, RecordMembership records and ReportResult lists. Declared, not found by key name, so a new
 * field named `ledger` changes nothing it is not listed for; test/statemachine/provision-state.test.ts fails
 * when a ledgered slice of the state type is missing here, or a path here names no ledgered slice.
 *
 * `[*]` is every item of an array. A settled Parallel (statemachine/asl-builder.ts settledParallel) leaves per
 * branch either its last Pass state's result or, when the branch failed, its whole state: the slice paths again
 * under `$.parallel[*]`, `$.proof[*]` and `$.closing[*]`.
 */
const SLICE_PATHS = [
  '$.function.original',
  '$.function.vpcAccessPolicy',
  '$.function.attach',
  '$.network.vpc',
  '$.network.subnets',
  '$.network.internetGateway',
  '$.network.securityGroup',
  '$.network.natGateways[*]',
  '$.network.routeTables',
  '$.network.s3Endpoint',
  '$.probeFunction',
  '$.probe',
] as const;

/** The ledgered slices of each settled Parallel's branch results (NatGatewaysReady, ProbeFunctionReady; ProbeProved, S3EndpointAdded; none of RecordAndDetach's). */
const SETTLED_BRANCH_RESULTS = {
  '$.parallel[*]': ['natGateways[*]', 'securityGroup', 'probeFunction', 'vpcAccessPolicy'],
  // ProveAndAddS3Endpoint's (ProbeProved, S3EndpointAdded), or a join's ProveJoin's (JoinNetworkChecked, JoinProbeProved, JoinPolicyAttached).
  '$.proof[*]': ['probe', 's3Endpoint', 'original', 'vpcAccessPolicy'],
  // RecordAndDetach's results carry no ledger; a failed branch's whole state does (the same entries as the top level's).
  '$.closing[*]': [],
} as const;

type Settled = keyof typeof SETTLED_BRANCH_RESULTS;
type Rerooted<Root extends string, Path extends string> = Path extends `$.${infer Rest}` ? `${Root}.${Rest}` : never;
type BranchResultPath = { [R in Settled]: `${R}.${(typeof SETTLED_BRANCH_RESULTS)[R][number]}` }[Settled];

export type DeclaredLedgerPath = (typeof SLICE_PATHS)[number] | BranchResultPath | Rerooted<Settled, (typeof SLICE_PATHS)[number]>;

function settledPaths(root: Settled): DeclaredLedgerPath[] {
  const results = SETTLED_BRANCH_RESULTS[root].map((slice) => `${root}.${slice}` as DeclaredLedgerPath);
  const whole = SLICE_PATHS.map((path) => `${root}.${path.slice(2)}` as DeclaredLedgerPath);
  return [...results, ...whole];
}

export const PROVISION_LEDGER_PATHS: readonly DeclaredLedgerPath[] = [
  ...new Set([...SLICE_PATHS, ...(Object.keys(SETTLED_BRANCH_RESULTS) as Settled[]).flatMap(settledPaths)]),
];
