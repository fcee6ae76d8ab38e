import { emulator } from '../local/test-support/emulator-control';
import type { IsolatedEmulator } from '../local/test-support/proxied-emulator';
import { createUserFunction, expectStatus, freshAccount, measureProvision } from './provision-run';
import type { Row } from './table';

/** One provision's cost in calls and state transitions, on plain moto or under the realism profile with a seed. */
interface RealismFigures {
  readonly seed: number | 'plain';
  readonly calls: number;
  readonly mutatingCalls: number;
  /** Answers the profile gave instead of moto's (NotFound, 5xx, ...). */
  readonly realismAnswers: number;
  readonly transitions: number;
  readonly retries: number;
}

const MUTATING = /^(Create|Attach|Allocate|Associate|Put|Update|Modify|Delete|Detach|Release|Disassociate|Replace|Tag|TransactWrite)/;

/**
 * Section 8: what AWS's behaviour costs a provision (create mode, 2 AZs, per-AZ NAT): its calls and transitions
 * on plain moto beside the same provision under the realism profile (docs/aws-behaviour.md), one per seed.
 * Transitions are what Step Functions bills (every state entered); the retries are the profile's price.
 */
export async function measureRealism(environment: IsolatedEmulator, seeds: readonly number[]): Promise<RealismFigures[]> {
  const figures: RealismFigures[] = [];
  for (const seed of ['plain' as const, ...seeds]) {
    await freshAccount();
    await createUserFunction('bench-realism');
    if (seed !== 'plain') await emulator.realism(seed);
    const measured = expectStatus(await measureProvision(environment, { functionName: 'bench-realism', network: { name: 'bench-realism' } }), 'SUCCEEDED', `provision (${seed})`);
    await emulator.plain();
    figures.push({
      seed,
      calls: measured.calls.length,
      mutatingCalls: measured.calls.filter((call) => MUTATING.test(call.action)).length,
      realismAnswers: measured.calls.filter((call) => call.injected === 'realism').length,
      transitions: measured.run.events.filter((event) => event.type === 'StateEntered').length,
      retries: measured.run.events.filter((event) => event.type === 'StateRetried').length,
    });
  }
  return figures;
}

export function realismRows(figures: readonly RealismFigures[]): Row[] {
  const section = '9. AWS realism: a provision on plain moto and as AWS behaves';
  return figures.map((figure) => ({
    section,
    figure: figure.seed === 'plain' ? 'plain moto: calls (mutating) / states entered / retries' : `realism seed ${figure.seed}: calls (mutating) / states entered / retries (profile answers)`,
    value: `${figure.calls} (${figure.mutatingCalls}) / ${figure.transitions} / ${figure.retries}${figure.seed === 'plain' ? '' : ` (${figure.realismAnswers})`}`,
  }));
}
