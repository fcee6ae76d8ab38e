/**
 * Every task of the workflow: the name used in `${<Name>FunctionArn}` substitutions of the ASL, and its
 * handler file under functions/. The CDK stack builds one function per entry; the local runner requires
 * the same files. Paths are relative to functions/ (the folder above this one).
 */
export const TASKS = {
  ValidateRequest: 'validate/validate-request.ts',
  RecordFunction: 'function/record-function.ts',
  AuditExistingVpc: 'network/audit-existing-vpc.ts',
  EnsureVpc: 'network/ensure-vpc.ts',
  EnsureSubnets: 'network/ensure-subnets.ts',
  EnsureInternetGateway: 'network/ensure-internet-gateway.ts',
  EnsureSecurityGroup: 'network/ensure-security-group.ts',
  EnsureNatGateway: 'network/ensure-nat-gateway.ts',
  CheckNatGateways: 'network/check-nat-gateways.ts',
  EnsureRouteTables: 'network/ensure-route-tables.ts',
  EnsureS3Endpoint: 'network/ensure-s3-endpoint.ts',
  AttachFunction: 'function/attach-function.ts',
  CheckFunctionUpdate: 'function/check-function-update.ts',
  RunProbe: 'probe/run-probe.ts',
  CheckJoinNetwork: 'probe/check-join-network.ts',
  EnsureProbeFunction: 'probe/ensure-probe-function.ts',
  CheckProbeFunction: 'probe/check-probe-function.ts',
  AttachVpcAccessPolicy: 'function/attach-vpc-access-policy.ts',
  DetachVpcAccessPolicy: 'function/detach-vpc-access-policy.ts',
  ReportResult: 'report/report-result.ts',
  Rollback: 'rollback/rollback.ts',
  AcquireNetworkLock: 'membership/acquire-network-lock.ts',
  ReleaseNetworkLock: 'membership/release-network-lock.ts',
  RecordMembership: 'membership/record-membership.ts',
  ValidateTeardown: 'teardown/validate-teardown.ts',
  TeardownNetwork: 'teardown/teardown-network.ts',
  ValidateRelease: 'release/validate-release.ts',
  RestoreFunction: 'release/restore-function.ts',
  RestoreRolePolicy: 'release/restore-role-policy.ts',
  RemoveMembership: 'release/remove-membership.ts',
} as const;

export type TaskName = keyof typeof TASKS;

export function isTaskName(name: string): name is TaskName {
  return Object.hasOwn(TASKS, name);
}
