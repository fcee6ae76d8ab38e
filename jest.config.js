/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/emulator/global-setup.ts',
  globalTeardown: '<rootDir>/test/emulator/global-teardown.ts',
  setupFiles: ['<rootDir>/test/emulator/per-file-env.ts'],
  testSequencer: '<rootDir>/test/emulator/slow-files-first.js',
  testTimeout: 60000,
  // Three workers on two cores: each worker's test waits on its own moto server (global-setup.ts) for much of
  // every call, and a third worker fills those waits (npm test here, back to back: 210 s with two, 196 s with three).
  maxWorkers: 3,
};
