import { AllocateAddressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { preflight } from '../functions/validate/preflight/preflight';
import { validateRequest } from '../functions/validate/validation';
import { emulator } from '../local/test-support/emulator-control';
import type { IsolatedEmulator } from '../local/test-support/proxied-emulator';
import { summarizeCalls, type CallSummary } from './call-log';
import { createUserFunction, expectStatus, freshAccount, measureProvision } from './provision-run';
import { createModeRequest } from './requests';
import type { Row } from './table';

/** Section 8: what the preflight costs a provision, and what it saves a request AWS would refuse. */
interface PreflightBench {
  /** A provision that succeeds (create mode, 2 AZs, per-AZ NAT): the preflight's reads, and the whole run's calls. */
  readonly provision: { readonly preflightReads: number; readonly total: number };
  /** The same request with 4 of the 5 Elastic IPs in use, refused by the preflight. */
  readonly refused: CallSummary & { readonly error: string };
  /**
   * The same refusal as AWS gives it without a preflight: AddressLimitExceeded on the second AllocateAddress
   * (fault proxy), after the VPC, subnets, gateways and the first NAT gateway exist, then the rollback.
   */
  readonly refusedByAws: CallSummary & { readonly error: string };
}

export async function measurePreflight(environment: IsolatedEmulator): Promise<PreflightBench> {
  await freshAccount();
  await createUserFunction('orders-api');
  // The preflight alone, on the request as ValidateRequest normalises it, before the network exists: its calls.
  const ec2 = new EC2Client({});
  const serviceQuotas = new ServiceQuotasClient({});
  const { request } = await validateRequest({ ec2, lambda: new LambdaClient({}), servicequotas: serviceQuotas }, { input: createModeRequest('orders-api'), execution: { id: 'bench-preflight', name: 'bench-preflight' } });
  await emulator.clearCalls();
  await preflight(ec2, request.network, { region: environment.region, serviceQuotas });
  const preflightReads = (await emulator.calls()).length;
  const provisioned = expectStatus(await measureProvision(environment, createModeRequest('orders-api')), 'SUCCEEDED', 'provision');
  const provision = { preflightReads, total: provisioned.calls.length };

  await freshAccount();
  await createUserFunction('orders-api');
  for (let i = 0; i < 4; i += 1) await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  await emulator.clearCalls();
  const refusedRun = expectStatus(await measureProvision(environment, createModeRequest('orders-api')), 'FAILED', 'refused by the preflight');

  await freshAccount();
  await createUserFunction('orders-api');
  await emulator.inject({ service: 'ec2', action: 'AllocateAddress', nth: 2, fault: { type: 'error', code: 'AddressLimitExceeded', status: 400, message: 'The maximum number of addresses has been reached.' } });
  const byAws = expectStatus(await measureProvision(environment, createModeRequest('orders-api')), 'FAILED', 'refused by AWS');
  await emulator.clearFaults();

  return {
    provision,
    refused: { ...summarizeCalls(refusedRun.calls), error: refusedRun.run.error ?? '' },
    refusedByAws: { ...summarizeCalls(byAws.calls), error: byAws.run.error ?? '' },
  };
}

export function preflightRows(bench: PreflightBench): Row[] {
  const section = '8. Preflight: reads it adds, calls it saves (create mode, 2 AZs, per-AZ NAT)';
  return [
    { section, figure: 'preflight reads per provision / all AWS calls of the provision', value: `${bench.provision.preflightReads} / ${bench.provision.total}` },
    { section, figure: `refused by the preflight (${bench.refused.error}), mutating + read`, value: `${bench.refused.mutating} + ${bench.refused.read}`, target: '0 mutating', met: bench.refused.mutating === 0 },
    { section, figure: `refused by AWS without it (${bench.refusedByAws.error}, fault proxy), mutating + read`, value: `${bench.refusedByAws.mutating} + ${bench.refusedByAws.read}` },
    { section, figure: 'calls saved on a refused request (mutating + read)', value: `${bench.refusedByAws.mutating - bench.refused.mutating} + ${bench.refusedByAws.read - bench.refused.read}` },
  ];
}
