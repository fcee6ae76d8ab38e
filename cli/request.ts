import { readFileSync } from 'node:fs';
import type { CreateNetworkInput, ExistingNetworkInput, ProvisionRequestInput } from '../functions/shared/types';
import type { RequestFlags } from './parsed-command';
import { UsageError } from './io';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function readRequestFile(path: string, readFile: (path: string) => string): Json {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new UsageError(`--request ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--request ${path}: not valid JSON (${(error as Error).message}).`);
  }
  if (!isRecord(parsed)) throw new UsageError(`--request ${path}: the request must be a JSON object, like {"functionName": "my-fn"}.`);
  return parsed;
}

/**
 * The StartExecution input the flags describe (functions/shared/request.schema.json): only what was asked for,
 * so the workflow's ValidateRequest fills the defaults on AWS and locally alike. Flag combinations that cannot
 * make sense fail here with a UsageError; the values themselves are ValidateRequest's to judge.
 */
export function buildRequest(flags: RequestFlags, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): ProvisionRequestInput {
  const base = flags.requestFile ? readRequestFile(flags.requestFile, readFile) : {};
  const functionName = flags.functionName ?? base.functionName;
  if (functionName === undefined || functionName === '') {
    throw new UsageError('Name the function: --function NAME (or --request FILE with "functionName", or --demo for the sample function).');
  }

  const baseNetwork = isRecord(base.network) ? base.network : {};
  const existing = flags.vpcId !== undefined || (flags.network === undefined && flags.cidr === undefined && baseNetwork.vpcId !== undefined);
  if (existing && flags.cidr !== undefined) throw new UsageError('--cidr is for a new VPC; an existing VPC (--vpc-id) keeps its own CIDR.');
  if (existing && flags.azs !== undefined) throw new UsageError("--azs is for a new VPC; with --vpc-id the audit uses the existing VPC's AZs.");

  const shared = {
    ...(flags.singleNat ? { natGateways: 'single' as const } : {}),
    ...(flags.regionalNat ? { natGateways: 'regional' as const } : {}),
    ...(flags.natInstance ? { natGateways: 'instance' as const, ...(typeof flags.natInstance === 'string' ? { natInstanceType: flags.natInstance } : {}) } : {}),
    ...(flags.ipv6 ? { ipv6: true } : {}),
    ...(flags.s3Endpoint ? {} : { s3Endpoint: false }),
  };
  let network: CreateNetworkInput | ExistingNetworkInput;
  if (existing) {
    const { cidr: _cidr, azCount: _azCount, ...rest } = baseNetwork;
    network = { ...rest, ...(flags.vpcId ? { vpcId: flags.vpcId } : {}), ...(flags.network ? { name: flags.network } : {}), ...shared } as ExistingNetworkInput;
  } else {
    const { vpcId: _vpcId, ...fromFile } = baseNetwork;
    // --azs replaces the file's choice of AZs whole (a count or a list), so the two never disagree.
    const { azCount, availabilityZones, ...rest } = fromFile;
    const fileChoice = { ...(azCount !== undefined ? { azCount } : {}), ...(availabilityZones !== undefined ? { availabilityZones } : {}) };
    const azChoice = flags.azs === undefined ? fileChoice : typeof flags.azs === 'number' ? { azCount: flags.azs } : { availabilityZones: [...flags.azs] };
    network = {
      ...rest,
      ...(flags.network ? { name: flags.network } : {}),
      ...(flags.cidr ? { cidr: flags.cidr } : {}),
      ...azChoice,
      ...shared,
    } as CreateNetworkInput;
  }

  const baseProbe = isRecord(base.probe) ? base.probe : {};
  const probe = {
    ...baseProbe,
    ...(flags.probeUrl ? { url: flags.probeUrl } : {}),
    ...(flags.probeTimeout !== undefined ? { timeoutSeconds: flags.probeTimeout } : {}),
  };

  const { functionName: _name, network: _network, probe: _probe, ...rest } = base;
  return {
    ...rest,
    functionName: functionName as string,
    ...(Object.keys(network).length > 0 ? { network } : {}),
    ...(Object.keys(probe).length > 0 ? { probe } : {}),
    ...(flags.keepVpcAccessPolicy ? { detachVpcAccessPolicy: false } : {}),
    ...(flags.moveFromVpc ? { moveFromVpc: true } : {}),
  } as ProvisionRequestInput;
}
