import { settledParallel, task, type StateSource } from './asl-builder';
import { probeBranch } from './probe-branch';

/**
 * A join that took its network from the registry record (AcquireNetworkLock's `$.lock.recorded`, docs/joins.md
 * "Latency"): no network task runs. Three things at once, none needing another: the drift check of the recorded
 * network, the probe through it, and the function's record then the VPC access policy on its role (IAM propagates
 * while the other two run). Then the function moves (AttachFunction, the common path). Part of provision.definition.ts, inside its
 * failingTo('Rollback') group: drift (NetworkNeedsRepair) rolls back what the join did and repairs under the
 * exclusive lock (provision-rollback.ts RepairUnderExclusiveLock).
 */
export const joinFromRecordStates: Record<string, StateSource> = {
  NetworkFromRecord: {
    Type: 'Pass',
    Comment: "The network as the claimed registry record names it: VPC, subnets, security group, NAT gateways, internet gateway, S3 endpoint. Nothing in it is ledgered: the join created none of it.",
    InputPath: '$.lock.recorded',
    ResultPath: '$.network',
    Next: 'ProveJoin',
  },
  ...settledParallel({
    name: 'ProveJoin',
    Comment:
      "The drift check (CheckJoinNetwork), the probe (RunProbe) and the VPC access policy (AttachVpcAccessPolicy) at once: the probe needs nothing the check reads, and the policy only has to be on the role before AttachFunction. The check's branch comes first, so drift wins over the probe's failure and the join goes to its repair. Each branch settles, so Rollback starts only once none is still running.",
    branches: [
      {
        StartAt: 'CheckJoinNetwork',
        settle: 'JoinNetworkNotChecked',
        raise: 'JoinCheckBranchFailed',
        States: {
          CheckJoinNetwork: task('CheckJoinNetwork', {
            Comment: 'Read-only: the reachability analysis of the placement, the NAT gateways available, the S3 endpoint there; drift throws NetworkNeedsRepair.',
            ResultPath: '$.joinCheck',
            Next: 'JoinNetworkChecked',
          }),
          JoinNetworkChecked: {
            Type: 'Pass',
            Parameters: { 'reachability.$': '$.joinCheck.reachability', 'natCheck.$': '$.joinCheck.natCheck', 's3Endpoint.$': '$.joinCheck.s3Endpoint' },
            End: true,
          },
        },
      },
      probeBranch({
        run: 'RunProbeOfJoin',
        proved: 'JoinProbeProved',
        settle: 'JoinProbeNotProved',
        raise: 'JoinProbeBranchFailed',
        Comment: "Invokes the network's probe function, on the target's future subnets and security group; analyses the path only to explain a failure (CheckJoinNetwork analyses it beside).",
      }),
      {
        StartAt: 'RecordFunctionOfJoin',
        settle: 'JoinPolicyNotAttached',
        raise: 'JoinPolicyBranchFailed',
        States: {
          RecordFunctionOfJoin: task('RecordFunction', {
            Comment: "Read-only: the function's original VpcConfig and policy attachment, the record rollback restores from (under the function's lock).",
            ResultPath: '$.function.original',
            Next: 'AttachVpcAccessPolicyOfJoin',
          }),
          AttachVpcAccessPolicyOfJoin: task('AttachVpcAccessPolicy', {
            Comment: "AWSLambdaVPCAccessExecutionRole on the target's role if it lacks it and the function moves (the record names the placement, so that is known now); ledgered, so only this execution's attachment is undone.",
            ResultPath: '$.function.vpcAccessPolicy',
            Next: 'JoinPolicyAttached',
          }),
          JoinPolicyAttached: { Type: 'Pass', Parameters: { 'original.$': '$.function.original', 'vpcAccessPolicy.$': '$.function.vpcAccessPolicy' }, End: true },
        },
      },
    ],
    ResultPath: '$.proof',
    choice: 'ProvedJoin?',
    choiceComment: "A failed branch rolls back with its error (the drift check's first: a drifted network is repaired).",
    failTo: 'FunctionRecordedBeforeJoinFailed?',
    Next: 'MergeJoinProof',
  }),
  // Rollback restores the function and detaches the policy from $.function.original: a settled branch holds it at
  // $.proof[2] (succeeded) or $.proof[2].function (failed after RecordFunction).
  'FunctionRecordedBeforeJoinFailed?': {
    Type: 'Choice',
    Choices: [
      { Variable: '$.proof[2].original', IsPresent: true, Next: 'KeepRecordedFunctionForRollback' },
      { Variable: '$.proof[2].function.original', IsPresent: true, Next: 'KeepFailedBranchFunctionForRollback' },
    ],
    Default: 'Rollback',
  },
  KeepRecordedFunctionForRollback: { Type: 'Pass', Parameters: { 'original.$': '$.proof[2].original', 'vpcAccessPolicy.$': '$.proof[2].vpcAccessPolicy' }, ResultPath: '$.function', Next: 'Rollback' },
  KeepFailedBranchFunctionForRollback: { Type: 'Pass', InputPath: '$.proof[2].function', ResultPath: '$.function', Next: 'Rollback' },
  MergeJoinProof: {
    Type: 'Pass',
    Comment: "The state AttachFunction and the rest of the provision read, as MergeParallelResults builds it for a build: the probe with the drift check's reachability verdict, the NAT gateways' addresses (the result's egress IPs).",
    Parameters: {
      'execution.$': '$.execution',
      'request.$': '$.request',
      'requestedBy.$': '$.requestedBy',
      'lock.$': '$.lock',
      function: { 'original.$': '$.proof[2].original', 'vpcAccessPolicy.$': '$.proof[2].vpcAccessPolicy' },
      network: {
        'audit.$': '$.network.audit',
        'vpc.$': '$.network.vpc',
        'subnets.$': '$.network.subnets',
        'internetGateway.$': '$.network.internetGateway',
        'securityGroup.$': '$.network.securityGroup',
        'natGateways.$': '$.network.natGateways',
        's3Endpoint.$': '$.proof[0].s3Endpoint',
      },
      probe: {
        'passed.$': '$.proof[1].probe.passed',
        'expectedStatuses.$': '$.proof[1].probe.expectedStatuses',
        'result.$': '$.proof[1].probe.result',
        'reachability.$': '$.proof[0].reachability',
        'probeFunctionName.$': '$.proof[1].probe.probeFunctionName',
        'subnetIds.$': '$.proof[1].probe.subnetIds',
        'securityGroupIds.$': '$.proof[1].probe.securityGroupIds',
        'ledger.$': '$.proof[1].probe.ledger',
      },
      'natCheck.$': '$.proof[0].natCheck',
      // The branches' results, with their tasks' timings (ReportResult lists them).
      'proof.$': '$.proof',
      'timing.$': '$.timing',
    },
    Next: 'AttachFunction',
  },
};
