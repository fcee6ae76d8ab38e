const { default: TestSequencer } = require('@jest/test-sequencer');
const { relative } = require('node:path');

/**
 * Seconds a test file took on this 2-core machine: jest's per-file times of one full run with its three workers
 * (2026-12-06, other engineers' runs sharing the cores, load average 10-12; files under 10 s are left out). The
 * CLI-process files measured after the CLI was compiled once per run (test/emulator/compiled-cli.ts) are scaled
 * by their measured CPU change (docs/architecture.md, "Where the time of `npm test` goes"). Only the order
 * matters: jest starts the files it believes longest first, so that no long file starts last and runs alone.
 */
const KNOWN_SECONDS = {
  'test/cli/json-contract.test.ts': 203,
  'test/lifecycle/faults.test.ts': 158,
  'test/cli/interrupt.test.ts': 146,
  'test/lifecycle/faults-2.test.ts': 144,
  'test/deploy/deploy-to-moto.test.ts': 142,
  'test/statemachine/faults-create.test.ts': 120,
  'test/statemachine/faults-nat-instance.test.ts': 112,
  'test/statemachine/faults-create-2.test.ts': 110,
  'test/cli/emulator-session.test.ts': 99,
  'test/statemachine/faults-existing.test.ts': 84,
  'test/package/embed-example.test.ts': 82,
  'test/statemachine/faults-existing-2.test.ts': 82,
  'test/infra/iam-simulation.test.ts': 81,
  'test/lock/repeated-request.test.ts': 73,
  'test/egress/bring-your-own-ips.test.ts': 69,
  'test/lock/joins-workflow.test.ts': 60,
  'test/cli/honest-words.test.ts': 59,
  'test/cli/who-may-ask-local.test.ts': 55,
  'test/infra/stack.test.ts': 53,
  'test/network/function-move.test.ts': 53,
  'test/infra/observability.test.ts': 51,
  'test/lock/provision-with-registry.test.ts': 44,
  'test/cli/local-executions.test.ts': 43,
  'test/cli/lifecycle-local.test.ts': 38,
  'test/api/who-asked.test.ts': 37,
  'test/egress/keep-egress-ips.test.ts': 36,
  'test/rollback/realism-rollback.test.ts': 36,
  'test/cli/plan.test.ts': 35,
  'test/cli/example-requests.test.ts': 35,
  'test/statemachine/nat-instance.test.ts': 34,
  'test/lifecycle/network-parameters.test.ts': 33,
  'test/lifecycle/teardown-modes.test.ts': 33,
  'test/lock/concurrent-cli.test.ts': 33,
  'test/statemachine/realism-provision.test.ts': 33,
  'test/docs/readme.test.ts': 32,
  'test/statemachine/nat-instance-readiness.test.ts': 32,
  'test/statemachine/realism-lifecycle.test.ts': 31,
  'test/cli/embedded-emulator.test.ts': 30,
  'test/cli/provision-local.test.ts': 30,
  'test/network/bpa-exclusion.test.ts': 30,
  'test/statemachine/provision.test.ts': 30,
  'test/cli/check-values.test.ts': 29,
  'test/cli/diagnose.test.ts': 29,
  'test/cli/lifecycle-plan.test.ts': 29,
  'test/statemachine/faults-regional.test.ts': 28,
  'test/lifecycle/release.test.ts': 27,
  'test/inventory/networks.test.ts': 26,
  'test/lifecycle/teardown.test.ts': 25,
  'test/lock/realism-concurrent.test.ts': 25,
  'test/rollback/rollback.test.ts': 25,
  'test/function/record-and-attach.test.ts': 24,
  'test/lifecycle/teardown-blocked.test.ts': 24,
  'test/network/existing-mode.test.ts': 24,
  'test/cli/profile.test.ts': 23,
  'test/egress/egress-ips.test.ts': 23,
  'test/network/availability-zones-choice.test.ts': 23,
  'test/probe/reachability.test.ts': 23,
  'test/infra/iam-narrow-eni-policy.test.ts': 22,
  'test/network/network-settings.test.ts': 22,
  'test/statemachine/egress-gap.test.ts': 22,
  'test/cli/confirmation.test.ts': 20,
  'test/probe/run-probe.test.ts': 20,
  'test/scope/network-members.test.ts': 20,
  'test/statemachine/nat-alarms.test.ts': 20,
  'test/lock/join-claims.test.ts': 19,
  'test/statemachine/nat-map-ledger.test.ts': 19,
  'test/cli/completion.test.ts': 18,
  'test/infra/iam-scope.test.ts': 18,
  'test/infra/tag-trigger.test.ts': 18,
  'test/statemachine/regional-nat.test.ts': 18,
  'test/network/nat-gateways.test.ts': 17,
  'test/egress/plan-egress-ips.test.ts': 16,
  'test/infra/iam-network-parameters.test.ts': 16,
  'test/infra/openapi.test.ts': 16,
  'test/local/local-environment.test.ts': 15,
  'test/network/create-mode.test.ts': 15,
  'test/network/gateways-and-endpoint.test.ts': 15,
  'test/lifecycle/existing-mode.test.ts': 14,
  'test/statemachine/map-settles.test.ts': 14,
  'test/egress/egress-change.test.ts': 13,
  'test/network/preflight.test.ts': 13,
  'test/bench/lifecycle-section.test.ts': 12,
  'test/egress/ipv6-egress.test.ts': 12,
  'test/function/detach-vpc-access-policy.test.ts': 12,
  'test/rollback/rollback-role-policy.test.ts': 12,
  'test/lifecycle/narrow-eni-policy.test.ts': 11,
  'test/cli/cli-process.test.ts': 10,
  'test/lock/membership.test.ts': 10,
  'test/statemachine/definition.test.ts': 10,
  'test/statemachine/parallel-settles.test.ts': 10,
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
