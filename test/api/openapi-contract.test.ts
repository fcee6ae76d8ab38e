import { CreateStateMachineCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ApiAnswer } from '../../functions/api/requests';
import { executionArnOf } from '../../functions/api/requests';
import { releaseRequest } from '../../functions/api/release';
import { startRequest } from '../../functions/api/start';
import { requestStatus } from '../../functions/api/status';
import { emulator } from '../../local/test-support/emulator-control';
import { openApiDocument } from '../../infra/openapi/openapi-document';

/**
 * The catalog API's handlers answer what docs/openapi.json promises: their real answers (against moto's Step
 * Functions) are validated against the document's schema for that route and status.
 */
const sfn = new SFNClient({});
const REQUEST = { functionName: 'orders-api', network: { name: 'shared' } };

type Operation = { responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }> };
const document = openApiDocument() as { paths: Record<string, Record<string, Operation>>; components: unknown };
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ $id: 'openapi', components: document.components });

/** The document's schema of `route`'s answer with that status; fails when the document does not list the status. */
function schemaOf(method: string, path: string, status: number): ValidateFunction {
  const ref = document.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema.$ref;
  if (!ref) throw new Error(`docs/openapi.json has no ${status} answer for ${method.toUpperCase()} ${path}`);
  const validate = ajv.getSchema(`openapi${ref}`);
  if (!validate) throw new Error(`${ref} is not in the document`);
  return validate;
}

function expectDocumented(method: string, path: string, answer: ApiAnswer): void {
  const validate = schemaOf(method, path, answer.statusCode);
  expect([validate(answer.body), ajv.errorsText(validate.errors)]).toEqual([true, 'No errors']);
}

async function stateMachine(name: string): Promise<string> {
  const account = await emulator.account();
  const created = await sfn.send(
    new CreateStateMachineCommand({ name, roleArn: `arn:aws:iam::${account}:role/lambda-egress-states`, definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }) }),
  );
  return created.stateMachineArn ?? '';
}

describe('the catalog API answers as docs/openapi.json says', () => {
  let provision: string;
  beforeEach(async () => {
    await emulator.freshAccount();
    provision = await stateMachine('lambda-egress-provision');
  });

  it('POST /requests: 202, 200 for the same key and body once it ended, 409 for another body, 400 for a bad key', async () => {
    // WHEN a request is filed, retried after its execution ended, reused for another body, and filed with a key that cannot be one
    const started = await startRequest(sfn, provision, { idempotencyKey: 'order-1', body: JSON.stringify(REQUEST) });
    await sfn.send(new StopExecutionCommand({ executionArn: executionArnOf(provision, 'order-1') }));
    const repeated = await startRequest(sfn, provision, { idempotencyKey: 'order-1', body: JSON.stringify(REQUEST) });
    const conflict = await startRequest(sfn, provision, { idempotencyKey: 'order-1', body: JSON.stringify({ functionName: 'other' }) });
    const invalid = await startRequest(sfn, provision, { idempotencyKey: 'a b', body: JSON.stringify(REQUEST) });
    // THEN each answer has the status and the shape the document gives it
    expect([started, repeated, conflict, invalid].map((answer) => answer.statusCode)).toEqual([202, 200, 409, 400]);
    for (const answer of [started, repeated, conflict, invalid]) expectDocumented('post', '/requests', answer);
  });

  it('GET /requests/{id}: 200 for a filed request, 404 for an unknown one, 400 for a bad id', async () => {
    await startRequest(sfn, provision, { idempotencyKey: 'order-2', body: JSON.stringify(REQUEST) });
    const answers = [await requestStatus(sfn, provision, 'order-2'), await requestStatus(sfn, provision, 'nope'), await requestStatus(sfn, provision, 'a b')];
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 404, 400]);
    for (const answer of answers) expectDocumented('get', '/requests/{id}', answer);
  });

  it('DELETE /requests/{id}: 409 for a request whose provision ended without moving the function, 404 for an unknown one, 400 for a bad id', async () => {
    // GIVEN a request whose execution was stopped (it moved nothing)
    const release = await stateMachine('lambda-egress-release');
    await startRequest(sfn, provision, { idempotencyKey: 'order-3', body: JSON.stringify(REQUEST) });
    await sfn.send(new StopExecutionCommand({ executionArn: executionArnOf(provision, 'order-3') }));
    // WHEN it, an unknown request and a bad id are released
    const machines = { provision, release };
    const answers = [await releaseRequest(sfn, machines, 'order-3'), await releaseRequest(sfn, machines, 'nope'), await releaseRequest(sfn, machines, 'a b')];
    // THEN
    expect(answers.map((answer) => answer.statusCode)).toEqual([409, 404, 400]);
    for (const answer of answers) expectDocumented('delete', '/requests/{id}', answer);
  });
});
