import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { egressIpsOf, type EgressIdentity } from '../functions/network/egress-ips';
import { readNetwork } from '../functions/shared/registry/read-network';
import { ensureRegistryTable } from '../local/local-registry';
import { localRegistryTableName } from '../local/local-registry-name';
import type { ParsedCommand } from './parsed-command';
import { egressLines, plainEgressLines } from './egress-lines';
import { colorEnabled, EXIT, palette, UsageError, writeLine, type CliIo, type ExitCode } from './io';
import { writeJson } from './json-output';
import { deployedTableName } from './networks';
import { withLocalEnvironment } from './target-environment';

type EgressIpsCommand = Extract<ParsedCommand, { command: 'egress-ips' }>;

/** `egress-ips --json`: the network and its egress identity (functions/network/egress-address.ts). */
export interface EgressIpsDocument extends EgressIdentity {
  readonly network: string;
  readonly vpcId?: string;
}

/**
 * `lambda-egress egress-ips --network NAME`: the public IPs the network's functions leave from, read from what
 * AWS holds now (egressIpsOf) for the NAT gateways and private subnets the registry records. An unknown network
 * is the user's to fix: exit 2.
 */
export async function egressIpsCommand(command: EgressIpsCommand, io: CliIo): Promise<ExitCode> {
  const say = (line: string) => (command.output.quiet || command.plain ? undefined : writeLine(io.stderr, line));
  const document = command.target.local
    ? await withLocalEnvironment(command.target, io, { say }, async (environment) => {
        const tableName = await ensureRegistryTable(new DynamoDBClient({ region: environment.region }), command.tableName ?? localRegistryTableName(io.env));
        return egressDocument(environment.region, tableName, command.network);
      })
    : await egressDocument(command.target.region, await deployedTableName(command, io.env, new CloudFormationClient(command.target.region ? { region: command.target.region } : {})), command.network);
  if (command.output.json) writeJson(io, 'egress-ips', { status: 'SUCCEEDED', ...document });
  else if (command.plain) for (const line of plainEgressLines(document)) writeLine(io.stdout, line);
  else {
    const colors = palette(colorEnabled(io.stdout, io.env));
    writeLine(io.stdout, colors.bold(`Network "${document.network}" (${document.vpcId ?? 'no VPC'}) leaves from:`));
    for (const line of egressLines(document, colors)) writeLine(io.stdout, `  ${line}`);
  }
  return EXIT.ok;
}

async function egressDocument(region: string | undefined, tableName: string, name: string): Promise<EgressIpsDocument> {
  const config = region ? { region } : {};
  const network = await readNetwork({ dynamodb: new DynamoDBClient(config), tableName }, name);
  const record = network.record;
  if (!record) throw new UsageError(`--network ${name}: no such network in the registry (\`lambda-egress networks\` lists them).`);
  const identity = await egressIpsOf(new EC2Client(config), { natIds: record.natTargetIds, privateSubnetIds: record.privateSubnetIds });
  return { network: name, ...(record.vpcId ? { vpcId: record.vpcId } : {}), ...identity };
}
