import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { documentRoutes, routeDifference, templateRoutes } from '../../infra/openapi/api-routes';
import { OPENAPI_PATH, openApiDocument, openApiText } from '../../infra/openapi/openapi-document';
import { cachedTemplate } from '../support/synth-cache';

/**
 * docs/openapi.json, the catalog API's contract: current with its generator, a valid OpenAPI 3.1 document whose
 * examples are valid against its own schemas, and the routes the synthesized template deploys, no more, no less.
 */
type Document = ReturnType<typeof openApiDocument> & { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref: string }; examples?: Record<string, { value: unknown }> }> }>; requestBody?: { content: Record<string, { schema: { $ref: string }; examples: Record<string, { value: unknown }> }> } }>> };

/** @seriousme/openapi-schema-validator is ESM only (jest here loads CommonJS): its own CLI validates the file. */
const VALIDATOR_CLI = join(__dirname, '..', '..', 'node_modules', '@seriousme', 'openapi-schema-validator', 'bin', 'validate-api-cli.js');
async function validateOpenApi(path: string): Promise<{ valid: boolean; errors?: unknown[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, [VALIDATOR_CLI, path]).catch((failed: { stdout: string }) => ({ stdout: failed.stdout }));
  return JSON.parse(stdout) as { valid: boolean; errors?: unknown[] };
}

const document = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as Document;
let deployed: string[];

/** The construct synthesized in a stack of its own, without bundling (only the API's routes are read). */
function synthesizeCatalog(): Record<string, unknown> {
  // Loaded on a miss of the synthesis cache only: a hit needs neither the construct library nor the stack's modules.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { App, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const cxapi = require('aws-cdk-lib/cx-api') as typeof import('aws-cdk-lib/cx-api');
  const { LambdaEgress } = require('../../infra/lambda-egress-stack') as typeof import('../../infra/lambda-egress-stack');
  /* eslint-enable @typescript-eslint/no-require-imports */
  process.env[cxapi.CONTEXT_ENV] = JSON.stringify({ [cxapi.BUNDLING_STACKS]: [] });
  try {
    const app = new App();
    new LambdaEgress(new Stack(app, 'Catalog'), 'Egress');
    return app.synth().getStackByName('Catalog').template as Record<string, unknown>;
  } finally {
    delete process.env[cxapi.CONTEXT_ENV];
  }
}

beforeAll(() => {
  // GIVEN the routes of the synthesized construct
  const template = cachedTemplate({ name: 'catalog-api', inputs: {}, sources: [__filename], synthesize: synthesizeCatalog });
  deployed = templateRoutes(template.Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>);
}, 300_000);

describe('docs/openapi.json', () => {
  it('is what infra/openapi/openapi-document.ts generates (npm run build:openapi)', () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(openApiText());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(await validateOpenApi(OPENAPI_PATH)).toEqual({ valid: true });
    expect(document.openapi).toMatch(/^3\.1\./);
  });

  it('has every example valid against the schema it illustrates', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi', components: document.components });
    const invalid: string[] = [];
    let checked = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const bodies = [
          ...Object.entries(operation.requestBody?.content ?? {}).map(([, media]) => ['request', media] as const),
          ...Object.entries(operation.responses).flatMap(([status, response]) => Object.values(response.content ?? {}).map((media) => [status, media] as const)),
        ];
        for (const [what, media] of bodies) {
          const validate = ajv.getSchema(`openapi${media.schema.$ref}`);
          if (!validate) throw new Error(`${media.schema.$ref} is not in the document`);
          for (const [name, example] of Object.entries(media.examples ?? {})) {
            checked += 1;
            if (!validate(example.value)) invalid.push(`${method.toUpperCase()} ${path} ${what} ${name}: ${ajv.errorsText(validate.errors)}`);
          }
        }
      }
    }
    expect(invalid).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it('describes every route of the synthesized template, and no route the template lacks', () => {
    expect(deployed.length).toBeGreaterThanOrEqual(5);
    expect(routeDifference(deployed, documentRoutes(document))).toEqual({ undocumented: [], undeployed: [] });
  });

  it('fails the comparison when a deployed route is missing from the document, or a documented one is not deployed', () => {
    // GIVEN the document without DELETE /networks/{name}, and with a route nobody deployed
    const { '/networks/{name}': _teardown, ...paths } = document.paths;
    const edited = { paths: { ...paths, '/openapi': { get: {} } } };
    // THEN the comparison names both
    expect(routeDifference(deployed, documentRoutes(edited))).toEqual({ undocumented: ['DELETE /networks/{name}'], undeployed: ['GET /openapi'] });
  });

  it('answers every route with 403 and 429 (API Gateway authorization and throttling), and names 400/404/409 where the handlers answer them', () => {
    const statuses = (path: string, method: string): string[] => Object.keys(document.paths[path]?.[method]?.responses ?? {}).sort();
    for (const route of documentRoutes(document)) {
      const [method = '', path = ''] = route.split(' ');
      expect(statuses(path, method.toLowerCase())).toEqual(expect.arrayContaining(['403', '429']));
    }
    expect(statuses('/requests', 'post')).toEqual(expect.arrayContaining(['202', '200', '400', '409']));
    expect(statuses('/requests/{id}', 'get')).toEqual(expect.arrayContaining(['200', '400', '404']));
    expect(statuses('/requests/{id}', 'delete')).toEqual(expect.arrayContaining(['202', '200', '400', '404', '409']));
    expect(statuses('/networks/{name}', 'delete')).toEqual(expect.arrayContaining(['202', '200', '400', '404', '409']));
  });
});

describe('the OpenAPI validator', () => {
  it('fails a document without paths or components (so "valid" above means something)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'broken.json');
    writeFileSync(path, JSON.stringify({ openapi: '3.1.0', info: document.info }));
    expect(await validateOpenApi(path)).toEqual(expect.objectContaining({ valid: false }));
  });
});
