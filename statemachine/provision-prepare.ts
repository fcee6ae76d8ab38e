import requestSchema from '../functions/shared/request.schema.json';
import { pollLoop, settledMap, settledParallel, task, type StateSource } from './asl-builder';
import { RETRY } from './retry-policies';

/**
 * The provision's network build after the internet gateway: the NAT gateways and the probe function side by side
 * (PrepareInParallel), then their results merged into one state. Part of provision.definition.ts, inside its
 * failingTo('Rollback') group.
 */
export const prepareInParallelStates: Record<string, StateSource> = {
  ...settledParallel({
    name: 'PrepareInParallel',
    Comment:
      "Everything slow overlaps, and nothing touches the target function yet: NAT gateways becoming available (they need only the subnets and the attached internet gateway, so they start first); the security group, then the probe function on the target's future subnets + security group (Lambda creates the Hyperplane ENIs of that combination now, and reuses them for the target) and, unless a join attached it first, the VPC access policy on the target's role (IAM propagation). Each branch settles (a failure is caught in it), so Rollback starts only once neither branch still runs a task that creates something. The price: the branch that did not fail runs to its end first (its wait loop, bounded like any, typically the 1-3 minutes of the NAT gateways' pending state) before Rollback; a branch whose own task failed skips its wait loop.",
    branches: [
      {
        StartAt: 'EnsureNatGateways',
        settle: 'NatGatewaysNotReady',
        raise: 'NatGatewayBranchFailed',
        States: {
          ...settledMap({
            name: 'EnsureNatGateways',
            Comment:
              "One EIP + NAT gateway per placement (per AZ, or one for natGateways=single), in parallel. Each item settles (its failure is caught in it), so the branch fails only once no item's EnsureNatGateway still creates something.",
            map: {
              ItemsPath: '$.network.subnets.natPlacements',
              ItemSelector: {
                'execution.$': '$.execution',
                'request.$': '$.request',
                network: { 'vpc.$': '$.network.vpc', 'subnets.$': '$.network.subnets', 'internetGateway.$': '$.network.internetGateway' },
                'placement.$': '$$.Map.Item.Value',
                // A join's shared claim: EnsureNatGateway refuses to create (NetworkNeedsRepair, docs/joins.md).
                'lock.$': '$.lock',
              },
              MaxConcurrency: 0,
            },
            processor: { StartAt: 'EnsureNatGateway', settle: 'NatGatewayNotCreated', States: { EnsureNatGateway: task('EnsureNatGateway', { End: true }) } },
            ResultPath: '$.network.natGateways',
            check: 'NatGatewaysCreated?',
            // A create request spans at most this many AZs; an existing VPC in more is checked by the raising Map.
            checkedByChoice: requestSchema.properties.network.properties.azCount.maximum,
            raise: 'RaiseFirstNatGatewayError',
            raiseStates: { choice: 'NatGatewayFailed?', fail: 'NatGatewayFailed', succeed: 'NatGatewayCreated' },
            Next: 'StartNatWait',
          }),
          ...pollLoop({
            counter: 'natWait',
            states: {
              start: 'StartNatWait',
              check: 'CheckNatGateways',
              choice: 'NatGatewaysAvailable?',
              firstWait: 'FirstWaitForNatGateways',
              wait: 'WaitForNatGateways',
              count: 'CountNatWait',
            },
            checkParameters: { 'natGateways.$': '$.network.natGateways' },
            done: { when: { Variable: '$.natWait.check.allAvailable', BooleanEquals: true }, next: 'NatGatewaysReady' },
            timeout: 'NatGatewayTimeout',
            // AWS keeps a new NAT gateway pending 1-3 minutes (bench/latency-profile.json): no check before the
            // earliest it is seen available, then short polls, so the path is proven seconds after it is.
            firstWaitSeconds: 60,
            waitSeconds: 3,
            // The AWS SDK's NatGatewayAvailable waiter's budget (40 x 15 s).
            budgetSeconds: 600,
            waitComment: 'AWS keeps a new NAT gateway pending for 1-3 minutes.',
          }),
          NatGatewayTimeout: {
            Type: 'Pass',
            Comment: 'Recorded where a Catch puts an error: the branch settles with it, and Rollback raises it by name (RolledBack).',
            Result: { Error: 'NatGatewayTimeout', Cause: 'The NAT gateways were still pending after 10 minutes (a first wait of 60 s, then checks 3 s apart).' },
            ResultPath: '$.error',
            Next: 'NatGatewaysNotReady',
          },
          NatGatewaysReady: { Type: 'Pass', Parameters: { 'natGateways.$': '$.network.natGateways', 'natWait.$': '$.natWait' }, End: true },
        },
      },
      {
        StartAt: 'EnsureSecurityGroup',
        settle: 'ProbeFunctionNotReady',
        raise: 'ProbeFunctionBranchFailed',
        States: {
          // Off the critical path: nothing the NAT gateways need, and both tasks after it do (the target's placement).
          EnsureSecurityGroup: task('EnsureSecurityGroup', { ResultPath: '$.network.securityGroup', Next: 'EnsureProbeFunction' }),
          EnsureProbeFunction: task('EnsureProbeFunction', {
            Comment: "Creates or updates the probe function on the target's future subnets + security group; does not wait for it.",
            ResultPath: '$.probeFunction',
            retry: [RETRY.probeNotReady],
            Next: 'VpcAccessPolicyAttached?',
          }),
          // A join decided it before the network's tasks (AttachVpcAccessPolicyFirst), unless the function was in a VPC
          // already (deferred: whether it moves needs this placement); a build decides here.
          'VpcAccessPolicyAttached?': {
            Type: 'Choice',
            Choices: [
              { Variable: '$.function.vpcAccessPolicy.deferred', IsPresent: true, Next: 'AttachVpcAccessPolicy' },
              { Variable: '$.function.vpcAccessPolicy', IsPresent: true, Next: 'StartProbeWait' },
            ],
            Default: 'AttachVpcAccessPolicy',
          },
          AttachVpcAccessPolicy: task('AttachVpcAccessPolicy', {
            Comment: "Attaches AWSLambdaVPCAccessExecutionRole to the target's role if it lacks it and the function moves; ledgered, so only this execution's attachment is undone.",
            ResultPath: '$.function.vpcAccessPolicy',
            Next: 'StartProbeWait',
          }),
          ...pollLoop({
            counter: 'probeWait',
            states: { start: 'StartProbeWait', check: 'CheckProbeFunction', choice: 'ProbeFunctionActive?', wait: 'WaitForProbeFunction', count: 'CountProbeWait' },
            done: { when: { Variable: '$.probeWait.check.status', StringEquals: 'Ready' }, next: 'ProbeFunctionReady' },
            timeout: 'ProbeFunctionTimeout',
            // No long first wait: onto Hyperplane ENIs that exist (a second function on the network) the probe is
            // Active in seconds, and then this loop is the critical path.
            waitSeconds: 5,
            budgetSeconds: 600,
            waitComment: 'A function on a new subnet + security group combination stays Pending while Lambda creates its Hyperplane ENIs.',
          }),
          ProbeFunctionTimeout: {
            Type: 'Pass',
            Comment: 'Recorded where a Catch puts an error: the branch settles with it, and Rollback raises it by name (RolledBack).',
            Result: { Error: 'ProbeFunctionTimeout', Cause: 'The probe function was still Pending (or updating) after 10 minutes (checks 5 s apart).' },
            ResultPath: '$.error',
            Next: 'ProbeFunctionNotReady',
          },
          ProbeFunctionReady: {
            Type: 'Pass',
            Parameters: {
              'securityGroup.$': '$.network.securityGroup',
              'probeFunction.$': '$.probeFunction',
              'probeWait.$': '$.probeWait',
              'vpcAccessPolicy.$': '$.function.vpcAccessPolicy',
            },
            End: true,
          },
        },
      },
    ],
    ResultPath: '$.parallel',
    choice: 'PreparedInParallel?',
    choiceComment: "A failed branch rolls back with its error (the NAT gateways' first, when both failed).",
    failTo: 'Rollback',
    Next: 'MergeParallelResults',
  }),
  MergeParallelResults: {
    Type: 'Pass',
    Parameters: {
      'execution.$': '$.execution',
      'request.$': '$.request',
      'requestedBy.$': '$.requestedBy',
      // A join's shared claim: the tasks after this one create nothing of the network under it (docs/joins.md).
      'lock.$': '$.lock',
      function: { 'original.$': '$.function.original', 'vpcAccessPolicy.$': '$.parallel[1].vpcAccessPolicy' },
      network: {
        'audit.$': '$.network.audit',
        'vpc.$': '$.network.vpc',
        'subnets.$': '$.network.subnets',
        'internetGateway.$': '$.network.internetGateway',
        'securityGroup.$': '$.parallel[1].securityGroup',
        'natGateways.$': '$.parallel[0].natGateways',
      },
      'probeFunction.$': '$.parallel[1].probeFunction',
      // The NAT gateways' last check holds their public IPs: ReportResult names them without a call of its own.
      'natCheck.$': '$.parallel[0].natWait.check',
      waits: { 'natGatewayChecks.$': '$.parallel[0].natWait.attempt', 'probeFunctionChecks.$': '$.parallel[1].probeWait.attempt' },
      'timing.$': '$.timing',
    },
    Next: 'EnsureRouteTables',
  },
};
