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
  maxWorkers: 2,
};
