import { InvalidRequest } from '../shared/errors';
import type { NetworkRecord } from '../shared/registry/records';
import type { InheritedSettings } from '../shared/types';
import type { SchemaCheckedRequest } from './request-schema';
import { natModeOf } from '../network/nat-modes';

/**
 * A network's name is its identity, and so are its settings: a join (a request naming a network the registry
 * holds as ready) that leaves a setting unset gets the network's recorded value, not the request default (a
 * second function joining a `single` network used to add a NAT gateway; one joining after `--no-s3-endpoint`
 * the endpoint). A join stating another value is refused before anything is created: lambda-egress changes
 * no setting of a network others use. docs/preflight.md "A network's settings".
 */

type Setting = keyof InheritedSettings;

/** The flag that states each setting, for the message (the request field is network.<setting>). */
const FLAG: Record<Setting, string> = {
  natGateways: '--single-nat / --regional-nat / --nat-instance',
  natInstanceType: '--nat-instance TYPE',
  ipv6: '--ipv6',
  s3Endpoint: '--no-s3-endpoint',
  alarms: '(--request)',
  deleteWhenUnused: '(--request)',
  azCount: '--azs',
};

/** What the record says of each setting; a setting an older record does not hold is absent (neither inherited nor compared). */
function recordedSettings(record: NetworkRecord): InheritedSettings {
  return {
    natGateways: record.natGatewayMode,
    ...(natModeOf(record.natGatewayMode).launchesInstances && record.natInstanceType ? { natInstanceType: record.natInstanceType } : {}),
    ...(record.ipv6 !== undefined ? { ipv6: record.ipv6 } : {}),
    ...(record.s3Endpoint !== undefined ? { s3Endpoint: record.s3Endpoint } : {}),
    ...(record.alarms !== undefined ? { alarms: record.alarms } : {}),
    // Recorded only when true (functions/shared/registry/membership.ts): absent is false.
    deleteWhenUnused: record.deleteWhenUnused === true,
    ...(record.mode === 'create' && record.azs.length > 0 ? { azCount: record.azs.length } : {}),
  };
}

/** The network settings the raw request states (a field present, whatever its value). */
function statedSettings(raw: unknown): Set<Setting> {
  const network = (raw as { network?: Record<string, unknown> } | undefined)?.network ?? {};
  return new Set((Object.keys(FLAG) as Setting[]).filter((setting) => network[setting] !== undefined));
}

/**
 * The checked request with the network's recorded settings where the request left them unset, and those it
 * inherited; InvalidRequest naming every stated setting that differs. No record (a new network, no registry,
 * or one whose build failed): the request's own values, nothing inherited.
 */
export function inheritNetworkSettings(checked: SchemaCheckedRequest, raw: unknown, record: NetworkRecord | undefined): { checked: SchemaCheckedRequest; inherited?: InheritedSettings } {
  if (!record || record.state !== 'ready') return { checked };
  const recorded = recordedSettings(record);
  const stated = statedSettings(raw);
  // An existing-VPC request has no azCount (the VPC's AZs are used); a create request against an existing-VPC network is refused by the name binding.
  const applicable = (Object.keys(recorded) as Setting[]).filter((setting) => setting !== 'azCount' || (record.mode === 'create' && !checked.network.vpcId));
  const differences = applicable.filter((setting) => stated.has(setting) && checked.network[setting] !== recorded[setting]);
  if (differences.length > 0) throw settingsMismatch(checked.network.name, record, recorded, checked, differences);
  const inherited = Object.fromEntries(applicable.filter((setting) => !stated.has(setting)).map((setting) => [setting, recorded[setting]])) as InheritedSettings;
  if (Object.keys(inherited).length === 0) return { checked };
  return { checked: { ...checked, network: { ...checked.network, ...inherited } }, inherited };
}

function settingsMismatch(name: string, record: NetworkRecord, recorded: InheritedSettings, checked: SchemaCheckedRequest, differences: Setting[]): InvalidRequest {
  const show = (value: unknown) => JSON.stringify(value);
  const each = differences.map((setting) => `network.${setting} ${show(checked.network[setting])} where the network has ${show(recorded[setting])} (${FLAG[setting]})`);
  return new InvalidRequest(
    differences.map((setting) => `network.${setting}`).join(', '),
    `network "${name}"${record.vpcId ? ` (${record.vpcId})` : ''} exists with other settings than this request states: ${each.join('; ')}. A join uses the network's settings and never changes them (other functions use it): leave ${differences.length === 1 ? 'this field' : 'these fields'} out to join it as it is, or give another network name (--network NAME; network.name) for a network with these settings; changing a network's settings is a future change-mode command, not a join`,
    { network: name, differences: Object.fromEntries(differences.map((setting) => [setting, { requested: checked.network[setting] ?? null, recorded: recorded[setting] ?? null }])) },
  );
}
