const { UNIT_TEST_FILES } = require('./test/unit-lane');

/** Settings both lanes share. */
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': '<rootDir>/test/emulator/esbuild-transform.js' },
  testTimeout: 60000,
};
const unitPaths = UNIT_TEST_FILES.map((file) => `<rootDir>/${file}`);
const escaped = (file) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Two lanes (test/unit-lane.js says which file is in which): `npm run test:unit` runs the unit project alone,
 * without an emulator; `npm test` runs both projects, each file once. The unit project has no global setup: jest
 * runs a project's global setup only when one of its files runs, so the unit lane starts no moto server.
 * @type {import('jest').Config}
 */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: unitPaths,
      // commander is ES modules only, which jest's CommonJS runtime cannot require (before Node 24.9): esbuild turns
      // it into CommonJS, so a unit test can run the CLI's main in-process (test/support/run-main.ts).
      transform: { ...shared.transform, '/node_modules/commander/.+\\.js$': '<rootDir>/test/emulator/esbuild-transform.js' },
      transformIgnorePatterns: ['/node_modules/(?!commander/)'],
      setupFiles: ['<rootDir>/test/emulator/unit-env.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...UNIT_TEST_FILES.map((file) => `^${escaped(`${__dirname}/${file}`)}$`)],
      globalSetup: '<rootDir>/test/emulator/global-setup.ts',
      globalTeardown: '<rootDir>/test/emulator/global-teardown.ts',
      setupFiles: ['<rootDir>/test/emulator/per-file-env.ts'],
    },
  ],
  testSequencer: '<rootDir>/test/emulator/slow-files-first.js',
  // jest 30 takes the test timeout from the top level, not from a project's settings.
  testTimeout: shared.testTimeout,
  // Three workers on two cores: each worker's test waits on its own moto server (global-setup.ts) for much of
  // every call, and a third worker fills those waits (npm test here, back to back: 210 s with two, 196 s with three).
  maxWorkers: 3,
};
