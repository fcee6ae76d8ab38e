/**
 * The unit lane (`npm run test:unit`): the test files that need no emulator — no moto server, no AWS endpoint —
 * and run in seconds. Every other test file is in the end-to-end lane, which starts one moto server per jest
 * worker (test/emulator/global-setup.ts). `npm test` runs both lanes, each file once.
 *
 * Rule for a new test file: list it here when it passes with moto_server absent from PATH and
 * AWS_ENDPOINT_URL pointing at a closed port (the unit lane runs that way: test/emulator/unit-env.ts), in a few
 * seconds. test/architecture/test-lanes.test.ts checks that every test file is in exactly one lane, and that a
 * unit-lane file calling AWS fails.
 * test/package/embed-example.test.ts needs no emulator either but packs and compiles the package (about a
 * minute): it stays in the end-to-end lane.
 */
const UNIT_TEST_FILES = [
  'test/architecture/code-size.test.ts',
  'test/architecture/dead-exports.test.ts',
  'test/architecture/import-graph.test.ts',
  'test/architecture/task-files.test.ts',
  'test/architecture/test-lanes.test.ts',
  'test/bench/latency-profile.test.ts',
  'test/bench/joins-terms.test.ts',
  'test/bench/lower-bound.test.ts',
  'test/bench/simulation.test.ts',
  'test/cli/cli-process.test.ts',
  'test/cli/completion.test.ts',
  'test/cli/cost.test.ts',
  'test/cli/diagram.test.ts',
  'test/cli/mode-cost.test.ts',
  'test/cli/output.test.ts',
  'test/cli/progress.test.ts',
  'test/cli/request.test.ts',
  'test/cli/status.test.ts',
  'test/egress/request-status-egress.test.ts',
  'test/foundation/environment.test.ts',
  'test/foundation/errors.test.ts',
  'test/foundation/local-runner.test.ts',
  'test/foundation/partition.test.ts',
  'test/foundation/zip.test.ts',
  'test/infra/entry-points.test.ts',
  'test/infra/iam-narrow-eni-policy.test.ts',
  'test/infra/iam-network-parameters.test.ts',
  'test/infra/iam-scope.test.ts',
  'test/infra/openapi.test.ts',
  'test/infra/request-model.test.ts',
  'test/infra/sdk-calls.test.ts',
  'test/infra/synth-cache.test.ts',
  'test/infra/use-network.test.ts',
  'test/network/cidr-plan.test.ts',
  'test/network/nat-modes.test.ts',
  'test/network/nat-registries.test.ts',
  'test/network/recorded-network.test.ts',
  'test/probe/probe.test.ts',
  'test/rollback/vpc-endpoint-unsuccessful.test.ts',
  'test/statemachine/definition.test.ts',
  'test/statemachine/eni-wait-bound.test.ts',
  'test/statemachine/provision-state.test.ts',
  'test/statemachine/settled-map.test.ts',
  'test/validate/request-types.test.ts',
];

module.exports = { UNIT_TEST_FILES };
