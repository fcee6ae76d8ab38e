import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { listNetworks, type Inventory, type InventoryNetwork } from '../functions/inventory/list-networks';
import { REGISTRY_TABLE_ENV } from '../functions/shared/registry/table';
import type { ParsedCommand } from './parsed-command';
import { describeRequestedBy } from '../functions/shared/requested-by';
import { DEFAULT_STACK_NAME, REGISTRY_TABLE_OUTPUT } from '../functions/shared/stack-names';
import { StateMachineNotFound } from './aws-mode';
import { egressLines } from './egress-lines';
import { colorEnabled, EXIT, palette, writeLine, type CliIo, type ExitCode, type Palette } from './io';
import { ensureRegistryTable } from '../local/local-registry';
import { localRegistryTableName } from '../local/local-registry-name';
import { writeJson } from './json-output';
import { withLocalEnvironment } from './target-environment';

type NetworksCommand = Extract<ParsedCommand, { command: 'networks' }>;

/** The stack output naming the registry table (the stack defines it under this name). */

/** --table-name, else REGISTRY_TABLE_NAME, else the deployed stack's RegistryTableName output. */
export async function deployedTableName(command: { readonly tableName?: string; readonly target: Pick<NetworksCommand['target'], 'stackName'> }, env: NodeJS.ProcessEnv, cfn: CloudFormationClient): Promise<string> {
  const explicit = command.tableName ?? env[REGISTRY_TABLE_ENV];
  if (explicit) return explicit;
  const stackName = command.target.stackName ?? DEFAULT_STACK_NAME;
  const stacks = await cfn.send(new DescribeStacksCommand({ StackName: stackName })).catch((error: Error) => {
    if (error.name === 'ValidationError') {
      throw new StateMachineNotFound(`No stack named ${stackName} in this account and region: deploy it with \`npx cdk deploy\`, or pass --stack-name NAME or --table-name TABLE.`);
    }
    throw error;
  });
  const output = stacks.Stacks?.[0]?.Outputs?.find((candidate) => candidate.OutputKey === REGISTRY_TABLE_OUTPUT)?.OutputValue;
  if (!output) throw new StateMachineNotFound(`Stack ${stackName} has no output ${REGISTRY_TABLE_OUTPUT}: deploy this version of the stack, or pass --table-name TABLE.`);
  return output;
}

function inventoryFor(region: string | undefined, tableName: string): Promise<Inventory> {
  const config = region ? { region } : {};
  return listNetworks({ registry: { dynamodb: new DynamoDBClient(config), tableName }, ec2: new EC2Client(config), lambda: new LambdaClient(config) });
}

const money = (amount: number): string => `$${amount.toFixed(2)}`;

function formatNetwork(network: InventoryNetwork, colors: Palette): string[] {
  // The registry's word, not a check of the path: said as such (formatInventory's footnote says what was checked).
  const recorded = network.state === 'unrecorded' ? network.state : `recorded ${network.state}`;
  const state = network.state === 'ready' ? colors.green(recorded) : network.state === 'failed' ? colors.red(recorded) : colors.yellow(recorded);
  const where = network.vpcId ? `${network.vpcId} (${network.mode ?? '?'} mode, ${network.azs.length} AZ${network.azs.length === 1 ? '' : 's'}: ${network.availabilityZones.map((zone) => (zone.id ? `${zone.name} (${zone.id})` : zone.name)).join(', ')})` : '(no VPC recorded yet)';
  const lines = [`${colors.bold(`Network "${network.name}"`)}  ${state}${network.drifted ? `  ${colors.red('DRIFTED')}` : ''}  ${where}`];
  lines.push(`  NAT gateways: ${network.natGateways.live} live${network.natGateways.mode ? ` (${network.natGateways.mode})` : ''}${network.natGateways.ids.length > 0 ? `: ${network.natGateways.ids.join(', ')}` : ''}`);
  const egress = egressLines(network.egress, colors);
  lines.push(`  egress IPs: ${egress[0] ?? ''}`, ...egress.slice(1).map((line) => `              ${line}`));
  lines.push(`  monthly cost: ${money(network.monthlyCost.totalUsd)} (NAT gateway hours and their public IPv4 addresses; data processing is extra)`);
  lines.push(`  functions (${network.functions.length}): ${network.functions.map((member) => member.functionName).join(', ') || 'none'}`);
  for (const member of network.functions) lines.push(`    ${member.functionName} requested by ${describeRequestedBy(member.requestedBy)}`);
  if (network.lock) lines.push(`  locked by ${network.lock.lockOwner} until ${new Date(network.lock.leaseExpiresAt * 1000).toISOString()}`);
  for (const drift of network.drift) lines.push(colors.red(`  ! ${drift.problem}`), `    fix: ${drift.fix}`);
  return lines;
}

/** What `networks` does not check (functions/inventory/list-networks.ts checks VPCs, NAT gateways and members). */
export const NOT_CHECKED =
  'State is what the registry recorded; the VPC, NAT gateways and functions were checked against AWS (DRIFTED), the routes, security groups and network ACLs were not: `lambda-egress diagnose -f FUNCTION` checks a function\'s whole path.';

function formatInventory(inventory: Inventory, colors: Palette): string[] {
  const kept = formatKeptEgressIps(inventory.keptEgressIps ?? [], colors);
  if (inventory.networks.length === 0) return ['No networks in the registry yet: `lambda-egress provision` creates one.', ...(kept.length > 0 ? ['', ...kept] : [])];
  const lines = inventory.networks.flatMap((network) => [...formatNetwork(network, colors), '']);
  const drifted = inventory.networks.filter((network) => network.drifted).length;
  lines.push(`${inventory.networks.length} network${inventory.networks.length === 1 ? '' : 's'}, ${money(inventory.totalMonthlyUsd)} a month${drifted > 0 ? colors.red(`, ${drifted} drifted`) : ''}.`);
  lines.push(colors.dim(NOT_CHECKED));
  return [...lines, ...(kept.length > 0 ? ['', ...kept] : [])];
}

/** Kept addresses no NAT uses (network.keepEgressIps): what each costs idle, and how to let it go. */
function formatKeptEgressIps(kept: Inventory['keptEgressIps'], colors: Palette): string[] {
  if (kept.length === 0) return [];
  const total = kept.reduce((sum, address) => sum + address.monthlyUsd, 0);
  return [
    colors.yellow(`Kept egress IPs, idle (${kept.length}, ${money(total)} a month): a rebuild of the same network name leaves from them again`),
    ...kept.map((address) => `  ${address.publicIp}  ${address.allocationId}  network "${address.network}"${address.az ? ` ${address.az}` : ''}  ${money(address.monthlyUsd)}/month  release: ${address.releaseCommand}`),
  ];
}

/** `lambda-egress networks`: the inventory of the registry, on AWS or (--local) in the emulator. */
export async function networksCommand(command: NetworksCommand, io: CliIo): Promise<ExitCode> {
  const say = (line: string) => (command.output.quiet ? undefined : writeLine(io.stderr, line));
  const inventory = command.target.local
    ? await withLocalEnvironment(command.target, io, { say }, async (environment) => {
        // Local mode creates the registry in the emulator, as the stack does on AWS.
        const tableName = await ensureRegistryTable(new DynamoDBClient({ region: environment.region }), command.tableName ?? localRegistryTableName(io.env));
        return inventoryFor(environment.region, tableName);
      })
    : await inventoryFor(command.target.region, await deployedTableName(command, io.env, new CloudFormationClient(command.target.region ? { region: command.target.region } : {})));
  if (command.output.json) writeJson(io, 'networks', inventory);
  else for (const line of formatInventory(inventory, palette(colorEnabled(io.stdout, io.env)))) writeLine(io.stdout, line);
  return EXIT.ok;
}
