const { default: TestSequencer } = require('@jest/test-sequencer');
const { relative } = require('node:path');

/**
 * Seconds a test file took on this 2-core machine (jest's per-file times, wave 2). Only the order matters:
 * jest starts the files it believes longest first, so that no long file starts last and runs alone.
 */
const KNOWN_SECONDS = {
  'test/statemachine/faults-create.test.ts': 60,
  'test/deploy/deploy-to-moto.test.ts': 55,
  'test/statemachine/faults-create-2.test.ts': 50,
  'test/lifecycle/faults.test.ts': 45,
  'test/lifecycle/faults-2.test.ts': 45,
  'test/statemachine/faults-existing.test.ts': 40,
  'test/statemachine/faults-existing-2.test.ts': 30,
  'test/infra/iam-simulation.test.ts': 27,
  'test/probe/run-probe.test.ts': 20,
  'test/statemachine/provision.test.ts': 20,
  'test/probe/reachability.test.ts': 20,
  'test/infra/stack.test.ts': 20,
  'test/cli/provision-local.test.ts': 16,
  'test/cli/embedded-emulator.test.ts': 16,
  'test/function/record-and-attach.test.ts': 15,
  'test/network/existing-mode.test.ts': 12,
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
