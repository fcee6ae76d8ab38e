/**
 * The target function's configuration as lambda-egress records and applies it, typed once: RecordFunction's
 * slice (function/types.ts OriginalFunction adds its ledger and facts), the registry's membership record
 * (registry/records.ts), Rollback's and the release's restore (undo/), RecordMembership and the already-member
 * answer all use these.
 */

/** A function's VpcConfig (no VpcId: derived from the subnets). No subnets: outside any VPC. */
export interface FunctionVpcConfig {
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  readonly ipv6AllowedForDualStack: boolean;
}

/** The function before this execution changed it: what Rollback and the release put back. */
export interface OriginalFunctionRecord {
  readonly functionArn: string;
  readonly functionName: string;
  readonly roleArn: string;
  readonly roleName: string;
  readonly vpcConfig: FunctionVpcConfig;
  /** Whether AWSLambdaVPCAccessExecutionRole was attached to the role before this execution. */
  readonly vpcAccessPolicyAttached: boolean;
}
