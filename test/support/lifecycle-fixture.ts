import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateNetworkInterfaceCommand, DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient, ListFunctionsCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import { ensureRegistryTable } from '../../local/local-registry';
import type { Registry } from '../../functions/shared/registry/table';
import { TAG_NETWORK } from '../../functions/shared/tags';
import { TEARDOWN_DEFINITION_PATH } from '../../statemachine/definition';
import { runLocally, type LocalRunResult } from '../../statemachine/local-runner';
import { definitionsValidated } from './validated-definitions';
import { liveResources } from './tagged-network';

export const ec2 = new EC2Client({});

let teardowns = 0;
/** The teardown definition, run locally with the real handlers against this file's moto account; no real waiting. */
export function teardown(network: string): Promise<LocalRunResult> {
  teardowns += 1;
  return runLocally({ network }, { definitionPath: TEARDOWN_DEFINITION_PATH, stateMachineName: 'lambda-egress-teardown', executionName: `teardown-${process.pid}-${teardowns}`, skipWaits: true, skipRetryIntervals: true, definitionValidated: definitionsValidated() });
}
export const lambda = new LambdaClient({});
const dynamodb = new DynamoDBClient({});

/** This file's account's registry, created as local mode creates it. */
export async function registry(): Promise<Registry> {
  return { dynamodb, tableName: await ensureRegistryTable(dynamodb) };
}

/** A Hyperplane ENI as Lambda leaves it (moto creates none): `available`, described `AWS Lambda VPC ENI-<fn>`. */
export async function lambdaEni(subnetId: string, securityGroupId: string, description = 'AWS Lambda VPC ENI-orders-api-1a2b3c'): Promise<string> {
  const created = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: [securityGroupId], Description: description }));
  return created.NetworkInterface!.NetworkInterfaceId!;
}

export async function networkInterfaceIds(): Promise<string[]> {
  const described = await ec2.send(new DescribeNetworkInterfacesCommand({}));
  return (described.NetworkInterfaces ?? []).map((eni) => eni.NetworkInterfaceId ?? '').sort();
}

/** Everything live that carries `lambda-egress:network = <network>`: EC2 resources and probe functions. */
export async function taggedForNetwork(network: string): Promise<string[]> {
  const ec2Resources = (await liveResources(ec2)).filter((resource) => resource.tags.some((tag) => tag.Key === TAG_NETWORK && tag.Value === network));
  const functions = await lambda.send(new ListFunctionsCommand({}));
  const probes: string[] = [];
  for (const fn of functions.Functions ?? []) {
    const tags = await lambda.send(new ListTagsCommand({ Resource: fn.FunctionArn! }));
    if (tags.Tags?.[TAG_NETWORK] === network) probes.push(fn.FunctionName!);
  }
  return [...ec2Resources.map((resource) => `${resource.kind} ${resource.id}`), ...probes.map((name) => `function ${name}`)];
}

/** A describe of every live EC2 resource, ENIs included, with tags: "as it was" compares two of these. */
export async function describeEverything(): Promise<unknown> {
  const resources = await liveResources(ec2);
  return {
    resources: resources.map((resource) => ({ ...resource, tags: [...resource.tags].sort((a, b) => (a.Key ?? '').localeCompare(b.Key ?? '')) })).sort((a, b) => a.id.localeCompare(b.id)),
    networkInterfaces: await networkInterfaceIds(),
  };
}
