import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { GENERATED_PATH, generatedRequestTypes } from '../../functions/shared/build-request-types';
import schema from '../../functions/shared/request.schema.json';

const TSX_CLI = require.resolve('tsx/cli');
const GENERATOR = require.resolve('../../functions/shared/build-request-types.ts');

describe('the request types, generated from functions/shared/request.schema.json', () => {
  it('are what npm run build:request-types generates from the schema (its --check agrees)', () => {
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(generatedRequestTypes());
    const check = spawnSync(process.execPath, [TSX_CLI, GENERATOR, '--check'], { encoding: 'utf8' });
    expect([check.status, check.stderr]).toEqual([0, '']);
  });

  it('follow a field added to the schema: its type, whether it is required, and its description', () => {
    // GIVEN the schema with one more network field
    const network = schema.properties.network;
    const grown = {
      ...schema,
      properties: { ...schema.properties, network: { ...network, properties: { ...network.properties, flowLogs: { type: 'string', enum: ['off', 'rejected'], description: 'VPC flow logs.' } } } },
    };

    // WHEN the types are generated from it
    const text = generatedRequestTypes(grown);

    // THEN the network type has it, optional, with its doc comment, and the committed file is stale
    expect(text).toContain("    /** VPC flow logs. */\n    readonly flowLogs?: 'off' | 'rejected';");
    expect(text).toContain('  readonly functionName: string;');
    expect(text).not.toBe(readFileSync(GENERATED_PATH, 'utf8'));
  });
});
