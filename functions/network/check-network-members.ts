import type { AwsClients } from '../shared/clients';
import { InvalidRequest, undefinedWhenNotFound } from '../shared/errors';
import { readNetwork } from '../shared/registry/read-network';
import type { NetworkRecord } from '../shared/registry/records';
import type { Registry } from '../shared/registry/table';
import type { TargetFunctions } from '../shared/target-scope';
import { checkTargetFunctions } from './check-scope';

/** The request's network.allowedFunctions in the stack scope's terms (a tag the function must carry). */
export function allowedFunctionsOf(given: { readonly namePatterns?: string[]; readonly tag?: { readonly key: string; readonly value: string } } | undefined): TargetFunctions | undefined {
  if (!given) return undefined;
  return { ...(given.namePatterns ? { namePatterns: [...given.namePatterns] } : {}), ...(given.tag ? { requiredTag: { key: given.tag.key, value: given.tag.value } } : {}) };
}

/**
 * A network's members (docs/who-may-ask.md): the rule recorded when the network was created decides who may
 * join it; a request may repeat that rule, never change it (that is an explicit act: release the members,
 * tear the network down, create it again). A new network's rule applies to its first function too. Read-only.
 */
export async function checkNetworkMembers(
  clients: Pick<AwsClients, 'lambda'>,
  registry: Registry | undefined,
  network: { readonly name: string; readonly allowedFunctions?: TargetFunctions },
  functionArn: string,
  /** The network's record when the caller has read it already (ValidateRequest, for the settings): one read fewer. */
  known?: { readonly record: NetworkRecord | undefined },
): Promise<void> {
  const recorded = known ? known.record : registry ? await recordedNetwork(registry, network.name) : undefined;
  // A ready network's rule is the one its creating request gave (functions/shared/registry/membership.ts).
  const established = recorded?.state === 'ready' ? recorded : undefined;
  if (established && network.allowedFunctions && JSON.stringify(established.allowedFunctions ?? null) !== JSON.stringify(network.allowedFunctions)) {
    throw new InvalidRequest(
      'network.allowedFunctions',
      `network "${network.name}" was created with ${established.allowedFunctions ? `allowedFunctions ${JSON.stringify(established.allowedFunctions)}` : 'no allowedFunctions rule'}, and a request does not change it: leave network.allowedFunctions out (or repeat the recorded rule); to change the rule, release its members, tear the network down and create it again with the new rule`,
      { recorded: established.allowedFunctions ?? null },
    );
  }
  const rule = established ? established.allowedFunctions : network.allowedFunctions;
  if (!rule) return;
  await checkTargetFunctions(clients, rule, functionArn, 'network.allowedFunctions', `network "${network.name}"'s`, `request another network, or ask the network's owner to recreate it with a rule that includes this function`);
}

/** The network's record; none without a registry table (an emulator account the registry was never created in). */
export async function recordedNetwork(registry: Registry, name: string) {
  return (await undefinedWhenNotFound(readNetwork(registry, name)))?.record;
}
