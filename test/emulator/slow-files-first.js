const { default: TestSequencer } = require('@jest/test-sequencer');
const { relative } = require('node:path');

/**
 * Seconds a test file took on this 2-core machine (jest's per-file times of one full run, halved: it ran at
 * load 10-13). Only the order matters: jest starts the files it believes longest first, so that no long file
 * starts last and runs alone.
 */
const KNOWN_SECONDS = {
  'test/lifecycle/faults.test.ts': 67,
  'test/lifecycle/faults-2.test.ts': 60,
  'test/deploy/deploy-to-moto.test.ts': 68,
  'test/infra/iam-simulation.test.ts': 48,
  'test/statemachine/faults-existing-2.test.ts': 40,
  'test/statemachine/faults-create-2.test.ts': 37,
  'test/infra/stack.test.ts': 34,
  'test/statemachine/faults-create.test.ts': 29,
  'test/statemachine/faults-existing.test.ts': 23,
  'test/statemachine/provision.test.ts': 22,
  'test/probe/run-probe.test.ts': 22,
  'test/infra/observability.test.ts': 22,
  'test/lifecycle/release.test.ts': 18,
  'test/lock/provision-with-registry.test.ts': 16,
  'test/cli/embedded-emulator.test.ts': 16,
  'test/lifecycle/teardown.test.ts': 16,
  'test/cli/provision-local.test.ts': 16,
  'test/statemachine/egress-gap.test.ts': 15,
  'test/lock/concurrent-cli.test.ts': 15,
  'test/probe/reachability.test.ts': 14,
  'test/function/record-and-attach.test.ts': 14,
  'test/network/existing-mode.test.ts': 13,
  'test/cli/plan.test.ts': 13,
  'test/cli/lifecycle-local.test.ts': 13,
  'test/statemachine/regional-nat.test.ts': 12,
  'test/lifecycle/existing-mode.test.ts': 12,
  'test/statemachine/faults-regional.test.ts': 12,
  'test/infra/tag-trigger.test.ts': 12,
  'test/network/nat-gateways.test.ts': 11,
  'test/inventory/networks.test.ts': 10,
  'test/statemachine/parallel-settles.test.ts': 9,
  'test/statemachine/nat-alarms.test.ts': 9,
  'test/function/detach-vpc-access-policy.test.ts': 8,
  'test/network/create-mode.test.ts': 8,
  'test/rollback/rollback-incomplete.test.ts': 8,
  'test/cli/diagnose.test.ts': 7,
  'test/infra/entry-points.test.ts': 7,
  'test/rollback/rollback.test.ts': 7,
  'test/network/validate.test.ts': 6,
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
