import { writeFileSync } from 'node:fs';
import { startFaultProxy } from '../../local/test-support/fault-proxy';
import { SCENARIOS, type ScenarioName } from '../support/scenarios';

/**
 * `tsx record-clean-run.ts <scenario> <output.json>`: the scenario's clean run, recorded for fault-suite.ts
 * while jest collects a test file. It runs behind a fault proxy of its own, in accounts of its own (jest's
 * proxy may live in the very process that waits for this one), against the run's one moto server.
 */
async function main(): Promise<void> {
  const [name, output] = process.argv.slice(2);
  const moto = process.env.LAMBDA_EGRESS_TEST_MOTO_ENDPOINT;
  if (!name || !output || !Object.hasOwn(SCENARIOS, name) || !moto) {
    throw new Error(`usage: record-clean-run.ts <${Object.keys(SCENARIOS).join('|')}> <output.json>, with the test emulator's environment`);
  }
  // Accounts 2xxxxxxxxxxx are this process's (jest's proxy counts from 100000000000); the pid keeps recorders apart.
  const proxy = await startFaultProxy(moto, { firstAccount: 200_000_000_000 + process.pid * 10 });
  try {
    process.env.LAMBDA_EGRESS_TEST_ENDPOINT = proxy.endpoint;
    process.env.AWS_ENDPOINT_URL = proxy.endpoint;
    // Loaded only now: their SDK clients must see this proxy.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { cleanRun } = require('../support/fault-suite') as typeof import('../support/fault-suite');
    writeFileSync(output, JSON.stringify(await cleanRun(SCENARIOS[name as ScenarioName])));
  } finally {
    await proxy.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
