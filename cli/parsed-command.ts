import type { CompletionSpec, Shell } from './completion';

/**
 * What the command line means once parsed (cli/args.ts builds it from commander): the one input of every
 * subcommand's module, so those modules depend on this file and not on commander.
 */

/** The flags that shape the request (functions/shared/request.schema.json), as typed on the command line. */
export interface RequestFlags {
  readonly functionName?: string;
  readonly requestFile?: string;
  readonly network?: string;
  readonly vpcId?: string;
  readonly cidr?: string;
  /** A count (network.azCount), or the AZs by name or ID (network.availabilityZones). */
  readonly azs?: number | readonly string[];
  readonly singleNat: boolean;
  readonly regionalNat?: boolean;
  /** `--nat-instance` (true) or `--nat-instance <type>`. */
  readonly natInstance?: boolean | string;
  readonly ipv6: boolean;
  readonly s3Endpoint: boolean;
  readonly probeUrl?: string;
  readonly probeTimeout?: number;
  readonly keepVpcAccessPolicy: boolean;
  /** `--move-from-vpc`: request field moveFromVpc. */
  readonly moveFromVpc?: boolean;
}

/** Where the workflow runs: in-process against an emulator (`--local`), or the deployed state machine. */
export interface TargetFlags {
  readonly local: boolean;
  readonly demo: boolean;
  /** `--aws-realism [seed]`: the realism profile's seed (local/realism-profile.ts). */
  readonly awsRealism?: number;
  readonly stateMachineArn?: string;
  readonly stackName?: string;
  readonly region?: string;
}

export interface OutputFlags {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly diagram?: string;
}

export type ParsedCommand =
  | { readonly command: 'provision'; readonly request: RequestFlags; readonly target: TargetFlags; readonly output: OutputFlags; readonly executionName?: string }
  | { readonly command: 'plan'; readonly request: RequestFlags; readonly target: TargetFlags; readonly output: OutputFlags; readonly gbPerMonth: number }
  | { readonly command: 'diagnose'; readonly functionName?: string; readonly port: number; readonly target: TargetFlags; readonly output: OutputFlags }
  | { readonly command: 'status'; readonly executionArn: string; readonly region?: string; readonly output: OutputFlags; readonly local?: boolean }
  /** `executions --local`: the runs the local session's emulator holds. */
  | { readonly command: 'executions'; readonly output: OutputFlags }
  | { readonly command: 'networks'; readonly target: TargetFlags; readonly output: OutputFlags; readonly tableName?: string }
  /** `egress-ips --network NAME`: the public IPs a network leaves from (--plain: one a line). */
  | { readonly command: 'egress-ips'; readonly network: string; readonly plain: boolean; readonly target: TargetFlags; readonly output: OutputFlags; readonly tableName?: string }
  | { readonly command: 'release'; readonly functionName: string; readonly teardownIfUnused: boolean; readonly target: TargetFlags; readonly output: OutputFlags; readonly yes?: boolean }
  | { readonly command: 'teardown'; readonly network: string; readonly target: TargetFlags; readonly output: OutputFlags; readonly yes?: boolean; readonly releaseEgressIps?: boolean }
  /** `plan --release` / `plan --teardown`: what the lifecycle workflow would change, read-only. */
  | { readonly command: 'plan-lifecycle'; readonly of: 'release' | 'teardown'; readonly name: string; readonly teardownIfUnused: boolean; readonly target: TargetFlags; readonly output: OutputFlags }
  | { readonly command: 'emulator'; readonly action: 'start' | 'stop' | 'status'; readonly output: OutputFlags }
  /** `completion bash|zsh`: the shell completion script of this very program (cli/completion.ts). */
  | { readonly command: 'completion'; readonly shell: Shell; readonly spec: CompletionSpec; readonly output: OutputFlags }
  /** Help or version was printed, or commander rejected the arguments (and said why): exit with this code. */
  | { readonly command: 'exit'; readonly code: number };
