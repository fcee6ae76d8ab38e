import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GateRule } from './simulation';

export const LATENCY_PROFILE_PATH = join(__dirname, 'latency-profile.json');

export type Level = 'low' | 'typical' | 'high';
export const LEVELS: readonly Level[] = ['low', 'typical', 'high'];

type Range = Readonly<Record<Level, number>>;
type Sourced = { readonly kind: 'aws-docs' | 'aws-design' | 'user-reports' | 'estimate'; readonly sources: readonly string[] };

export interface LatencyProfileFile {
  readonly stepFunctions: { readonly stateTransitionMs: Range & Sourced };
  readonly lambdaTask: { readonly invokeOverheadMs: Range & Sourced; readonly coldStartMs: Range & Sourced };
  readonly calls: ReadonlyArray<{ readonly match: string; readonly ms: Range } & Sourced>;
  readonly pending: ReadonlyArray<{ readonly gate: string; readonly openedBy: string; readonly ms: Range } & Sourced>;
  /** Gates that wait for Lambda's Hyperplane ENIs of one subnet/security-group combination: only the first pays their creation. */
  readonly hyperplaneEniReuse: { readonly gates: readonly string[]; readonly ms: Range } & Sourced;
}

/** The group name of the gates that share the target's Hyperplane ENIs (simulation GateRule.sharesEnis). */
export const HYPERPLANE_ENIS = 'hyperplane-enis';

/** One level of the profile, in the shape the simulation takes. */
export interface LatencyLevel {
  readonly level: Level;
  readonly stateTransitionMs: number;
  readonly invokeOverheadMs: number;
  readonly coldStartMs: number;
  readonly callMs: (action: string) => number;
  readonly gates: GateRule[];
}

export function readLatencyProfile(path = LATENCY_PROFILE_PATH): LatencyProfileFile {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as LatencyProfileFile;
  const figures: Array<[string, (Partial<Sourced> & Partial<Range>) | undefined]> = [
    ['stepFunctions.stateTransitionMs', profile.stepFunctions?.stateTransitionMs],
    ['lambdaTask.invokeOverheadMs', profile.lambdaTask?.invokeOverheadMs],
    ['lambdaTask.coldStartMs', profile.lambdaTask?.coldStartMs],
    ...(profile.calls ?? []).map((call): [string, Partial<Sourced> & Partial<Range>] => [`calls ${call.match}`, { ...call, ...call.ms }]),
    ...(profile.pending ?? []).map((gate): [string, Partial<Sourced> & Partial<Range>] => [`pending ${gate.gate}`, { ...gate, ...gate.ms }]),
    ['hyperplaneEniReuse', profile.hyperplaneEniReuse ? { ...profile.hyperplaneEniReuse, ...profile.hyperplaneEniReuse.ms } : undefined],
  ];
  for (const [name, figure] of figures) {
    if (!figure) throw new Error(`${path}: ${name} is missing`);
    if (!figure.sources?.length || !figure.kind) throw new Error(`${path}: ${name} needs its kind and at least one source`);
    for (const level of LEVELS) {
      if (typeof figure[level] !== 'number' || figure[level]! < 0) throw new Error(`${path}: ${name}.${level} must be a number of milliseconds`);
    }
    if (!(figure.low! <= figure.typical! && figure.typical! <= figure.high!)) throw new Error(`${path}: ${name} must have low <= typical <= high`);
  }
  const unknown = profile.hyperplaneEniReuse.gates.filter((gate) => !profile.pending.some((entry) => entry.gate === gate));
  if (unknown.length > 0) throw new Error(`${path}: hyperplaneEniReuse names gates that pending does not have: ${unknown.join(', ')}`);
  return profile;
}

/** The most specific `calls` entry wins: `ec2:CreateNatGateway` over `ec2:*`; an unlisted service takes the slowest `*`. */
export function levelOf(profile: LatencyProfileFile, level: Level): LatencyLevel {
  const exact = new Map(profile.calls.filter((call) => !call.match.endsWith(':*')).map((call) => [call.match, call.ms[level]]));
  const byService = new Map(profile.calls.filter((call) => call.match.endsWith(':*')).map((call) => [call.match.slice(0, -2), call.ms[level]]));
  const slowest = Math.max(...byService.values());
  return {
    level,
    stateTransitionMs: profile.stepFunctions.stateTransitionMs[level],
    invokeOverheadMs: profile.lambdaTask.invokeOverheadMs[level],
    coldStartMs: profile.lambdaTask.coldStartMs[level],
    callMs: (action) => exact.get(action) ?? byService.get(action.split(':')[0] ?? '') ?? slowest,
    gates: profile.pending.map((gate) => ({
      gate: gate.gate,
      openedBy: gate.openedBy,
      pendingMs: gate.ms[level],
      ...(profile.hyperplaneEniReuse.gates.includes(gate.gate) ? { sharesEnis: { group: HYPERPLANE_ENIS, reusePendingMs: profile.hyperplaneEniReuse.ms[level] } } : {}),
    })),
  };
}
