import { GetParametersCommand, ListTagsForResourceCommand, PutParameterCommand, type ParameterType } from '@aws-sdk/client-ssm';
import type { AwsClients } from '../shared/clients';
import { awsErrorName } from '../shared/errors';
import { ledgerEntry } from '../shared/ledger';
import { logger } from '../shared/logger';
import { NETWORK_PARAMETERS, networkParameterName, type NetworkParameterKey } from '../shared/network-parameters';
import { createdBy, isManaged, managedTags } from '../shared/tags';
import type { LedgerEntry } from '../shared/types';
import { egressIpsOf } from './egress-ips';

/** What a ready network is, as IaC reads it: the ids its functions are placed on, and where their traffic leaves. */
interface NetworkParameterSource {
  readonly network: string;
  readonly vpcId: string;
  readonly privateSubnetIds: readonly string[];
  readonly securityGroupId?: string | undefined;
  /** The NAT gateways (nat-...) and NAT instance ENIs (eni-...) the private subnets route to: the egress IPs' source. */
  readonly natIds: readonly string[];
}

/** `$.membership.parameters`: each parameter's name and what publishing did with it. */
export interface PublishedParameter {
  readonly name: string;
  readonly outcome: 'created' | 'updated' | 'unchanged' | 'not-ours' | 'no-value';
}

/**
 * Writes the network's parameters (functions/shared/network-parameters.ts) so a user's CDK stack (useNetwork) or
 * Terraform (aws_ssm_parameter data sources) names the network instead of pasting its ids. Called when the network
 * is ready, by every execution that leaves it ready, so a repair or a mode change rewrites what changed.
 * Idempotent: a parameter that holds its value already is not written again (a write is a new version).
 * A new parameter is created tagged, with Overwrite false; an existing one is overwritten only if lambda-egress
 * created it (its tags), and without Tags: PutParameter refuses Tags with Overwrite, tags of an existing parameter
 * go through AddTagsToResource (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
 * A parameter at the path that lambda-egress did not create is left as it is (reported `not-ours`).
 * Each parameter this execution created is pushed onto `ledger` as it is created (also when a retry finds it):
 * Rollback deletes them, and the network's ledger hands them to teardown.
 */
export async function publishNetworkParameters(
  clients: Pick<AwsClients, 'ssm' | 'ec2'>,
  source: NetworkParameterSource,
  executionId: string,
  ledger: LedgerEntry[],
): Promise<PublishedParameter[]> {
  const egress = await egressIpsOf(clients.ec2, { natIds: source.natIds, privateSubnetIds: source.privateSubnetIds });
  const values: Record<NetworkParameterKey, string | undefined> = {
    vpcId: source.vpcId,
    privateSubnetIds: source.privateSubnetIds.join(','),
    securityGroupId: source.securityGroupId,
    // A parameter's value cannot be empty: a network without a public IPv4 address (yet) publishes none.
    egressIps: egress.egressIps.join(','),
  };
  const keys = Object.keys(NETWORK_PARAMETERS) as NetworkParameterKey[];
  const names = keys.map((key) => networkParameterName(source.network, key));
  const found = await clients.ssm.send(new GetParametersCommand({ Names: names }));
  const current = new Map((found.Parameters ?? []).map((parameter) => [parameter.Name ?? '', parameter.Value ?? '']));
  const published: PublishedParameter[] = [];
  for (const key of keys) {
    const name = networkParameterName(source.network, key);
    const value = values[key];
    if (!value) {
      published.push({ name, outcome: 'no-value' });
      continue;
    }
    const type: ParameterType = NETWORK_PARAMETERS[key].list ? 'StringList' : 'String';
    const outcome = current.has(name) ? await rewrite(clients, name, value, type, current.get(name), executionId, ledger) : await create(clients, source.network, name, value, type, executionId, ledger);
    published.push({ name, outcome });
  }
  const notOurs = published.filter((parameter) => parameter.outcome === 'not-ours').map((parameter) => parameter.name);
  if (notOurs.length > 0) logger.warn('parameters at the network path were not created by lambda-egress: left as they are', { notOurs });
  return published;
}

async function create(
  clients: Pick<AwsClients, 'ssm' | 'ec2'>,
  network: string,
  name: string,
  value: string,
  type: ParameterType,
  executionId: string,
  ledger: LedgerEntry[],
): Promise<PublishedParameter['outcome']> {
  try {
    await clients.ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: value,
        Type: type,
        Overwrite: false,
        Description: `lambda-egress network ${network}: read by IaC (useNetwork, aws_ssm_parameter); written by lambda-egress, deleted with the network`,
        Tags: managedTags({ networkName: network, executionId, role: 'network-parameter' }).map((tag) => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' })),
      }),
    );
  } catch (error) {
    // Written between the read and this call (the network lock keeps other executions out: a retry of this one).
    if (awsErrorName(error) === 'ParameterAlreadyExists') return rewrite(clients, name, value, type, undefined, executionId, ledger);
    throw error;
  }
  ledger.push(ledgerEntry('ssm-parameter', name));
  return 'created';
}

async function rewrite(
  clients: Pick<AwsClients, 'ssm'>,
  name: string,
  value: string,
  type: ParameterType,
  currentValue: string | undefined,
  executionId: string,
  ledger: LedgerEntry[],
): Promise<PublishedParameter['outcome']> {
  const tags = (await clients.ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }))).TagList ?? [];
  if (!isManaged(tags)) return 'not-ours';
  // This execution created it (a retried task): it is ledgered again, like any resource a retry adopts.
  if (createdBy(tags, executionId)) ledger.push(ledgerEntry('ssm-parameter', name));
  if (currentValue === value) return 'unchanged';
  await clients.ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true }));
  return 'updated';
}
