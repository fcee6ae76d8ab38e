import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonOutput from '../../cli/json-output.schema.json';
import { NETWORK_DIR, generatedNatRegistries, modeFiles, natModeProblems, schemaModes } from '../../functions/network/build-nat-registries';
import { checkRequestSchema } from '../../functions/validate/request-schema';

const TSX_CLI = require.resolve('tsx/cli');
const GENERATOR = require.resolve('../../functions/network/build-nat-registries.ts');
const read = (file: string): string => readFileSync(join(NETWORK_DIR, file), 'utf8');

/** The folder's files as they are, plus planted ones (name -> text); `read` answers for both. */
function folderWith(planted: Record<string, string>): { files: string[]; read: (file: string) => string } {
  return { files: [...modeFiles(), ...Object.keys(planted)].sort(), read: (file) => planted[file] ?? read(file) };
}

const PURE = "export const natMode: NatMode = { name: 'gateway-pool' } as never;\n";
const ENSURE = 'export const ensureNat: EnsureZonalNat = ensureZonalNatGateway;\n';
const LOST = 'export const discoverLostParts: DiscoverLostParts = async () => [];\n';

describe('the NAT mode registries, generated from the nat-mode-<mode>*.ts files and the schema enum (npm run build:nat-registries)', () => {
  it('are what the generator writes from the files present (its --check agrees)', () => {
    // GIVEN the folder and the schema as committed WHEN the registries are generated THEN they are the committed ones
    for (const [file, text] of generatedNatRegistries(schemaModes(), modeFiles(), read)) expect([file, read(file)]).toEqual([file, text]);
    const check = spawnSync(process.execPath, [TSX_CLI, GENERATOR, '--check'], { encoding: 'utf8' });
    expect([check.status, check.stderr]).toEqual([0, '']);
  });

  it('register a new mode from its three files and its enum value alone', () => {
    // GIVEN a hypothetical mode "gateway-pool": its three files, and its value in the enum
    const folder = folderWith({ 'nat-mode-gateway-pool.ts': PURE, 'nat-mode-gateway-pool-ensure.ts': ENSURE, 'nat-mode-gateway-pool-lost-parts.ts': LOST });

    // WHEN the registries are generated
    const registries = generatedNatRegistries([...schemaModes(), 'gateway-pool'], folder.files, folder.read);

    // THEN each registry imports its part and lists it under the mode's value
    expect(registries.get('nat-modes.ts')).toContain("import { natMode as gatewayPool } from './nat-mode-gateway-pool';");
    expect(registries.get('nat-ensurers.ts')).toContain("import { ensureNat as gatewayPool } from './nat-mode-gateway-pool-ensure';");
    expect(registries.get('nat-lost-parts.ts')).toContain("import { discoverLostParts as gatewayPool } from './nat-mode-gateway-pool-lost-parts';");
    for (const text of registries.values()) expect(text).toContain("  'gateway-pool': gatewayPool,\n};");
  });

  it('refuse a mode registered without one of its parts, a part exporting the wrong name, and a mode file no enum value owns', () => {
    // GIVEN "gateway-pool" in the enum with no -ensure file and a lost-parts file exporting another name, and a stray "spare" file
    const folder = folderWith({
      'nat-mode-gateway-pool.ts': PURE,
      'nat-mode-gateway-pool-lost-parts.ts': 'export const discoverNatPoolParts = async () => [];\n',
      'nat-mode-spare.ts': PURE,
    });
    const modes = [...schemaModes(), 'gateway-pool'];

    // WHEN checked THEN each gap is named with its fix, and nothing is generated
    expect(natModeProblems(modes, folder.files, folder.read)).toEqual([
      'natGateways "gateway-pool": no nat-mode-gateway-pool-ensure.ts (it exports ensureNat, listed in nat-ensurers.ts)',
      'natGateways "gateway-pool": nat-mode-gateway-pool-lost-parts.ts does not export discoverLostParts',
      'nat-mode-spare.ts: no natGateways value of functions/shared/request.schema.json owns it (add the mode to the enum, or rename the file)',
    ]);
    expect(() => generatedNatRegistries(modes, folder.files, folder.read)).toThrow(/the NAT modes are incomplete/);
    // AND a value added to the enum with no files at all is refused for each of its three parts
    expect(natModeProblems([...schemaModes(), 'gateway-pool'], modeFiles(), read)).toHaveLength(3);
  });

  it('agree with the other hand-written lists of the modes: the --json contract of plan, and the request check\'s refusal', () => {
    // GIVEN the enum's modes
    const modes = schemaModes();
    // THEN plan --json's inherited natGateways admits exactly them (cli/json-output.schema.json, a public contract)
    const plan = jsonOutput.allOf.find((rule) => rule.if.properties?.command?.const === 'plan') as unknown as { then: { properties: { request: { properties: { inheritedSettings: { properties: { natGateways: { enum: string[] } } } } } } } };
    expect(plan.then.properties.request.properties.inheritedSettings.properties.natGateways.enum).toEqual(modes);
    // AND a request with an unknown mode is refused naming every one of them (functions/validate/request-schema.ts)
    const refusal = (() => {
      try {
        checkRequestSchema({ functionName: 'orders', network: { natGateways: 'gateway-pool' } });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(modes.filter((mode) => !refusal.includes(`"${mode}"`))).toEqual([]);
  });
});
