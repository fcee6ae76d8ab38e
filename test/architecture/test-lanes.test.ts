import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ROOT } from './import-graph';

// CommonJS modules shared with jest.config.js, which jest reads before any transform.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { UNIT_TEST_FILES } = require('../unit-lane') as { UNIT_TEST_FILES: string[] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jestConfig = require('../../jest.config') as { projects: Array<{ displayName: string; testMatch: string[]; testPathIgnorePatterns?: string[]; globalSetup?: string }> };

function testFilesOnDisk(folder = join(ROOT, 'test')): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return testFilesOnDisk(path);
    return entry.name.endsWith('.test.ts') ? [relative(ROOT, path).split('\\').join('/')] : [];
  });
}

/** The projects of jest.config.js that would run a file: the unit project lists its files, e2e ignores them. */
function lanesOf(file: string): string[] {
  const absolute = join(ROOT, file);
  return jestConfig.projects
    .filter((project) => project.testMatch.some((pattern) => pattern === `<rootDir>/${file}` || pattern === '**/*.test.ts'))
    .filter((project) => !(project.testPathIgnorePatterns ?? []).some((pattern) => new RegExp(pattern).test(absolute)))
    .map((project) => project.displayName);
}

describe('the two test lanes (test/unit-lane.js)', () => {
  it('lists only test files that exist, each once', () => {
    const onDisk = new Set(testFilesOnDisk());
    expect(UNIT_TEST_FILES.filter((file) => !onDisk.has(file))).toEqual([]);
    expect(new Set(UNIT_TEST_FILES).size).toBe(UNIT_TEST_FILES.length);
  });

  it('puts every test file in exactly one lane, so npm test runs each once', () => {
    const files = testFilesOnDisk();
    expect(files.length).toBeGreaterThan(UNIT_TEST_FILES.length);
    const notInOneLane = files.map((file) => ({ file, lanes: lanesOf(file) })).filter(({ lanes }) => lanes.length !== 1);
    expect(notInOneLane).toEqual([]);
    expect(files.filter((file) => lanesOf(file)[0] === 'unit').sort()).toEqual([...UNIT_TEST_FILES].sort());
  });

  it('starts the emulator only for the end-to-end lane', () => {
    expect(jestConfig.projects.map((project) => [project.displayName, project.globalSetup !== undefined])).toEqual([
      ['unit', false],
      ['e2e', true],
    ]);
  });

  it('fails a unit-lane file that calls AWS: its endpoint is a closed port, even when npm test started emulators', async () => {
    // GIVEN this file, which is in the unit lane
    expect(UNIT_TEST_FILES).toContain(relative(ROOT, __filename).split('\\').join('/'));
    // WHEN it calls AWS through the SDK's standard environment
    const call = new EC2Client({}).send(new DescribeVpcsCommand({}));
    // THEN the call is refused at once, not answered by an emulator
    await expect(call).rejects.toThrow(/ECONNREFUSED/);
    expect(process.env.LAMBDA_EGRESS_TEST_EMULATORS).toBeUndefined();
  });
});
