import type { JoinsBench } from './joins';
import { seconds, type Row } from './table';

/** Issue 26's goals: a join within 1.5x its lower bound, and N joins at once within 1.3x of one (typical). */
const JOIN_RATIO_GOAL = 1.5;
const CONCURRENT_RATIO_GOAL = 1.3;

export function joinsRows(joins: JoinsBench): Row[] {
  const section = '10. Joins of a ready network (docs/joins.md), simulated on the typical profile';
  const met = joins.ratioToLowerBound <= JOIN_RATIO_GOAL;
  const terms = joins.lowerBound.terms.map((term) => `${term.what} ${seconds(term.ms, 2)}`).join(' + ');
  const slowest = joins.slowestSteps.map((step) => `${step.step} ${step.seconds.toFixed(1)} s`).join(', ');
  const named = (terms: JoinsBench['inTheWay']) => terms.map((term) => `${term.what} ${term.seconds.toFixed(1)} s`).join('; ');
  const inTheWay = named(joins.inTheWay);
  const withPolicy = joins.roleWithPolicy;
  const withPolicyMet = withPolicy.ratioToLowerBound <= JOIN_RATIO_GOAL;
  return [
    {
      section,
      figure: 'one join (typical: the role lacks the VPC access policy): ours / lower bound',
      value: `${joins.oneJoinSeconds.toFixed(1)} s / ${seconds(joins.lowerBound.totalMs, 1)} = ${joins.ratioToLowerBound.toFixed(2)}${met ? '' : `; in the way (peeled in turn, bench/joins-terms.ts): ${inTheWay}; left ${joins.leftSeconds.toFixed(1)} s`}`,
      target: `≤ ${JOIN_RATIO_GOAL}`,
      met,
    },
    {
      section,
      figure: 'one join of a function whose role already has the VPC access policy: ours / lower bound',
      value: `${withPolicy.seconds.toFixed(1)} s / ${seconds(joins.lowerBound.totalMs, 1)} = ${withPolicy.ratioToLowerBound.toFixed(2)}${withPolicyMet ? '' : `; in the way (peeled in turn): ${named(withPolicy.inTheWay)}; left ${withPolicy.leftSeconds.toFixed(1)} s`}`,
      target: `≤ ${JOIN_RATIO_GOAL}`,
      met: withPolicyMet,
    },
    { section, figure: "one join's slowest steps", value: slowest },
    { section, figure: 'the lower bound, its terms', value: terms },
    ...joins.concurrent.map((round) => ({
      section,
      figure: `${round.n} join${round.n === 1 ? '' : 's'} at once: wall (simulated), / wall(1), lock waits; the emulator's own wall`,
      value: `${round.wallSeconds.toFixed(1)} s, ${round.ratioToOne.toFixed(2)}x, ${round.lockWaits}; ${round.localWallSeconds.toFixed(1)} s locally`,
      target: `≤ ${CONCURRENT_RATIO_GOAL}x`,
      met: round.ratioToOne <= CONCURRENT_RATIO_GOAL,
    })),
  ];
}
