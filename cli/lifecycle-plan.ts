import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createClients } from '../functions/shared/clients';
import { InvalidRequest, NetworkInUse } from '../functions/shared/errors';
import { registryTableName, type Registry } from '../functions/shared/registry/table';
import { planRelease, planTeardown, type ReleasePreview, type TeardownPreview } from '../functions/release/release-plan';
import { ensureRegistryTable } from '../local/local-registry';
import type { ParsedCommand } from './parsed-command';
import { formatCostTable } from './cost';
import { colorEnabled, EXIT, palette, writeLine, type CliIo, type ExitCode, type Palette } from './io';
import { deployedTableName } from './networks';
import { writeJson, writeJsonFailure } from './json-output';
import { exitCodeOf } from './output';
import { withTargetEnvironment } from './target-environment';

type LifecyclePlanCommand = Extract<ParsedCommand, { command: 'plan-lifecycle' }>;

/** The registry the workflows read: the emulator's table in local mode (as `networks --local`), else the stack's. */
async function registryOf(command: LifecyclePlanCommand, env: NodeJS.ProcessEnv, region: string | undefined): Promise<Registry> {
  const dynamodb = new DynamoDBClient(region ? { region } : {});
  const tableName = command.target.local
    ? await ensureRegistryTable(dynamodb, registryTableName(env))
    : await deployedTableName({ target: command.target }, env, new CloudFormationClient(region ? { region } : {}));
  return { dynamodb, tableName };
}

function formatTeardownPreview(preview: TeardownPreview, colors: Palette): string[] {
  const where = preview.vpcId ? ` (${preview.mode} mode, ${preview.vpcId})` : '';
  return [
    colors.bold(`Teardown of network "${preview.network}"${where} would delete, in this order:`),
    ...preview.deletes.map((entry, index) => colors.red(`  ${String(index + 1).padStart(2)}. - ${entry.kind} ${entry.id}${entry.az ? ` (${entry.az})` : ''}`)),
    ...preview.notes.map((note) => `  ! ${note}`),
    '',
    colors.bold(`Monthly saving: $${preview.monthlySaving.totalUsd.toFixed(2)}`),
    ...formatCostTable(preview.monthlySaving),
  ];
}

function formatReleasePreview(preview: ReleasePreview, colors: Palette): string[] {
  return [
    colors.bold(`Plan: release of ${preview.functionName} from network "${preview.network}" (nothing has been changed)`),
    '',
    colors.bold(`Function ${preview.functionName}:`),
    ...[...preview.function.changes, ...preview.role.changes].map((line) => colors.yellow(`  ~ ${line}`)),
    `  - its membership of "${preview.network}"`,
    '',
    preview.teardownDecision,
    ...(preview.teardown ? ['', ...formatTeardownPreview(preview.teardown, colors)] : [`Monthly saving: $${preview.monthlySavingUsd.toFixed(2)} (the network's NAT gateways stay).`]),
  ];
}

/**
 * `lambda-egress plan --release --function NAME [--teardown-if-unused]` and `plan --teardown --network NAME`:
 * read-only, on the registry and the function as the workflows' first tasks read them. Exit 0 with the plan;
 * 2 when the workflow would reject the input (InvalidRequest: not a member, no such network), 1 when the
 * teardown would be refused (NetworkInUse names each function).
 */
export async function lifecyclePlanCommand(command: LifecyclePlanCommand, io: CliIo): Promise<ExitCode> {
  const say = (line: string) => (command.output.quiet ? undefined : writeLine(io.stderr, line));
  let preview: ReleasePreview | TeardownPreview;
  try {
    preview = await withTargetEnvironment(command.target, io, { say }, async (region) => {
      const registry = await registryOf(command, io.env, region);
      if (command.of === 'teardown') return planTeardown(registry, command.name);
      return planRelease(createClients({ lambda: LambdaClient, iam: IAMClient }, { region }), registry, command.name, command.teardownIfUnused);
    });
  } catch (error) {
    if (!(error instanceof InvalidRequest || error instanceof NetworkInUse)) throw error;
    // The answer the workflow would give, before it changes anything.
    if (command.output.json) writeJsonFailure(io, 'plan', error);
    else writeLine(io.stderr, palette(colorEnabled(io.stderr, io.env)).red(`✖ ${error.name}: ${error.message}`));
    return exitCodeOf({ status: 'FAILED', error: error.name });
  }
  if (command.output.json) writeJson(io, 'plan', { plan: command.of, ...preview });
  else {
    const colors = palette(colorEnabled(io.stdout, io.env));
    const lines = 'deletes' in preview ? [colors.bold('Plan (nothing has been changed):'), '', ...formatTeardownPreview(preview, colors)] : formatReleasePreview(preview, colors);
    for (const line of lines) writeLine(io.stdout, line);
  }
  return EXIT.ok;
}
