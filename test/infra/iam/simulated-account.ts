/** The account and region every simulated ARN is built in (the template's pseudo parameters resolve to these). */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
/** What the stack's probe role resolves to in the simulation: EnsureProbeFunction passes it on AWS. */
export const PROBE_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/lambda-egress-probe-role`;

/** What the stack's ENI cleanup role resolves to in the simulation (its name is `<prefix>-EniCleanup`). */
export const ENI_CLEANUP_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/LambdaEgress-EniCleanup`;

/** What the stack's registry table resolves to in the simulation. */
export const REGISTRY_TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/lambda-egress-registry`;

/** One authorization AWS makes for a call: an action on one resource, with the request's context. */
export interface IamRequest {
  readonly action: string;
  /** The resource type of the Service Authorization Reference (iam-data), or undefined for `*`. */
  readonly resourceType: string | undefined;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  /** Why AWS makes this authorization, for the failure message. */
  readonly why: string;
}
