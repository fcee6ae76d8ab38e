const { default: TestSequencer } = require('@jest/test-sequencer');
const { relative } = require('node:path');

/**
 * Seconds a test file took on this 2-core machine (jest's per-file times of one full run with its three workers).
 * Only the order matters: jest starts the files it believes longest first, so that no long file starts last and
 * runs alone.
 */
const KNOWN_SECONDS = {
  'test/package/embed-example.test.ts': 70,
  'test/lifecycle/faults-2.test.ts': 54,
  'test/lifecycle/faults.test.ts': 50,
  'test/statemachine/faults-create.test.ts': 45,
  'test/deploy/deploy-to-moto.test.ts': 40,
  'test/statemachine/faults-nat-instance.test.ts': 38,
  'test/statemachine/faults-create-2.test.ts': 36,
  'test/statemachine/faults-existing.test.ts': 28,
  'test/infra/iam-simulation.test.ts': 25,
  'test/statemachine/faults-existing-2.test.ts': 22,
  'test/infra/tag-trigger.test.ts': 15,
  'test/statemachine/provision.test.ts': 15,
  'test/infra/observability.test.ts': 14,
  'test/infra/stack.test.ts': 14,
  'test/lock/provision-with-registry.test.ts': 11,
  'test/cli/embedded-emulator.test.ts': 10,
  'test/cli/plan.test.ts': 9,
  'test/lock/concurrent-cli.test.ts': 9,
  'test/cli/provision-local.test.ts': 8,
  'test/lifecycle/teardown.test.ts': 8,
  'test/lifecycle/release.test.ts': 8,
  'test/probe/run-probe.test.ts': 7,
  'test/bench/lifecycle-section.test.ts': 7,
  'test/statemachine/egress-gap.test.ts': 7,
  'test/statemachine/nat-alarms.test.ts': 6,
  'test/statemachine/regional-nat.test.ts': 6,
  'test/statemachine/faults-regional.test.ts': 6,
  'test/probe/reachability.test.ts': 6,
  'test/cli/lifecycle-local.test.ts': 6,
  'test/statemachine/map-settles.test.ts': 6,
  'test/function/record-and-attach.test.ts': 6,
  'test/statemachine/parallel-settles.test.ts': 6,
  'test/cli/lifecycle-plan.test.ts': 6,
  'test/network/existing-mode.test.ts': 5,
};
/** A file without a measured time: a short one. */
const UNKNOWN_SECONDS = 2;

/**
 * jest's own order (failed files first, then the longest by its timing cache), with KNOWN_SECONDS standing in
 * where the cache has no timing. Without a cache (CI's fresh clone) jest would order by file size, which puts
 * the four-line fault-matrix files, the longest of all, at the very end.
 */
class SlowFilesFirst extends TestSequencer {
  time(test) {
    const cached = super.time(test);
    if (cached !== undefined) return cached;
    const known = KNOWN_SECONDS[relative(test.context.config.rootDir, test.path).split('\\').join('/')];
    return (known ?? UNKNOWN_SECONDS) * 1000;
  }
}

module.exports = SlowFilesFirst;
