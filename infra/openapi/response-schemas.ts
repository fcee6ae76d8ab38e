import { REQUEST_ID_PATTERN } from '../../functions/api/requests';

/**
 * The bodies the catalog API's handlers answer (functions/api/*.ts, each an `ApiAnswer`), as JSON Schema 2020-12
 * (OpenAPI 3.1's dialect). test/api/openapi-contract.test.ts validates the handlers' real answers against them, so a
 * field a handler adds or drops fails there, not in a portal.
 */
type Schema = Record<string, unknown>;

const EXECUTION_ARN: Schema = { type: 'string', pattern: '^arn:aws[a-zA-Z-]*:states:[a-z0-9-]+:\\d{12}:execution:[^:]+:[^:]+$', description: 'The Step Functions execution' };
const STATUS: Schema = { type: 'string', enum: ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] };
const REQUEST_ID: Schema = { type: 'string', pattern: REQUEST_ID_PATTERN.source, description: 'The Idempotency-Key the request was filed with: the execution name' };

/** Who asked for a request (functions/shared/requested-by.ts): the API's SigV4 caller, the tag trigger, or a direct StartExecution. */
const REQUESTED_BY: Schema = {
  type: 'object',
  description: 'Who asked: the catalog API\'s SigV4 caller (via "api"), the tag trigger (via "tag") or a direct StartExecution (via "start-execution")',
  required: ['via'],
  properties: {
    via: { type: 'string', enum: ['api', 'tag', 'start-execution'] },
    principal: { type: 'string' },
    caller: { type: 'string' },
    accountId: { type: 'string' },
    eventId: { type: 'string' },
    execution: { type: 'string' },
  },
};

/** What an answer says about a workflow execution (functions/api/named-execution.ts executionFields). */
const EXECUTION_FIELDS: Record<string, Schema> = {
  executionArn: EXECUTION_ARN,
  status: STATUS,
  startDate: { type: 'string', format: 'date-time' },
  consoleUrl: { type: 'string', format: 'uri', description: 'The Step Functions console page of the execution (commercial partition)' },
  error: { type: 'string', description: 'How a failed execution ended: its error name' },
  cause: { type: 'string' },
};

export const RESPONSE_SCHEMAS: Record<string, Schema> = {
  Error: {
    type: 'object',
    description: 'Every 4xx/5xx of the handlers and of API Gateway itself (authorization, throttling, an invalid body): a message that names the fix',
    required: ['message'],
    properties: { message: { type: 'string' }, requestId: REQUEST_ID, executionArn: EXECUTION_ARN },
  },
  RequestAccepted: {
    type: 'object',
    description: 'POST /requests: the provision execution the Idempotency-Key names (started now: 202; started before with the same body: 200)',
    required: ['requestId', 'executionArn', 'status'],
    additionalProperties: false,
    properties: { requestId: REQUEST_ID, executionArn: EXECUTION_ARN, startDate: { type: 'string', format: 'date-time' }, status: STATUS },
  },
  RequestStatus: {
    type: 'object',
    description: 'GET /requests/{id}: the status, the step a running request is in, the result, or the error and the rollback report',
    required: ['requestId', 'executionArn', 'status'],
    additionalProperties: false,
    properties: {
      requestId: REQUEST_ID,
      executionArn: EXECUTION_ARN,
      status: STATUS,
      currentStep: { type: 'string', description: 'The state the execution is in (running only)' },
      result: { type: 'object', description: "The provision's result (README \"The output\"): functionArn, network, function, probe, ledger", required: ['functionArn', 'network'] },
      error: { type: 'string' },
      cause: { type: 'string' },
      rollback: { type: 'object', description: 'What the rollback undid, step by step', required: ['steps'] },
      durationMs: { type: 'number', minimum: 0 },
      requestedBy: REQUESTED_BY,
    },
  },
  ReleaseAnswer: {
    type: 'object',
    description: 'DELETE /requests/{id}: the release of the function that request provisioned (running: 202; ended: 200)',
    required: ['requestId', 'functionArn', 'executionArn', 'status'],
    additionalProperties: false,
    properties: { requestId: REQUEST_ID, functionArn: { type: 'string' }, ...EXECUTION_FIELDS },
  },
  TeardownAnswer: {
    type: 'object',
    description: 'DELETE /networks/{name}: the teardown of the network (running: 202; succeeded: 200)',
    required: ['network', 'executionArn', 'status'],
    additionalProperties: false,
    properties: { network: { type: 'string' }, ...EXECUTION_FIELDS },
  },
  Inventory: {
    type: 'object',
    description: 'GET /networks: every network, its members, drift and monthly cost (functions/inventory/list-networks.ts)',
    required: ['networks', 'totalMonthlyUsd'],
    additionalProperties: false,
    properties: {
      networks: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'state', 'azs', 'natGateways', 'functions', 'monthlyCost', 'drifted', 'drift'],
          properties: {
            name: { type: 'string' },
            mode: { type: 'string', enum: ['create', 'existing'] },
            state: { type: 'string' },
            vpcId: { type: 'string' },
            azs: { type: 'array', items: { type: 'string' } },
            availabilityZones: { type: 'array', description: 'The AZs with their AZ IDs', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, id: { type: 'string' } } } },
            natGateways: { type: 'object', required: ['ids', 'live'], properties: { mode: { type: 'string' }, ids: { type: 'array', items: { type: 'string' } }, live: { type: 'integer', minimum: 0 } } },
            functions: {
              type: 'array',
              items: { type: 'object', required: ['functionArn', 'functionName', 'execution', 'recordedAt'], properties: { functionArn: { type: 'string' }, functionName: { type: 'string' }, execution: { type: 'string' }, recordedAt: { type: 'string' } } },
            },
            lock: { type: 'object' },
            builtBy: { type: 'string' },
            updatedAt: { type: 'string' },
            monthlyCost: { type: 'object', required: ['totalUsd'], properties: { totalUsd: { type: 'number', minimum: 0 } } },
            drifted: { type: 'boolean' },
            drift: { type: 'array', items: { type: 'object', required: ['subject', 'problem', 'fix'] } },
          },
        },
      },
      totalMonthlyUsd: { type: 'number', minimum: 0 },
      keptEgressIps: {
        type: 'array',
        description: 'Elastic IPs kept by teardowns (network.keepEgressIps) that no NAT uses now: each still paid, with the command that releases it',
        items: {
          type: 'object',
          required: ['network', 'publicIp', 'allocationId', 'az', 'monthlyUsd', 'releaseCommand'],
          properties: { network: { type: 'string' }, publicIp: { type: 'string' }, allocationId: { type: 'string' }, az: { type: 'string' }, monthlyUsd: { type: 'number', minimum: 0 }, releaseCommand: { type: 'string' } },
        },
      },
    },
  },
};
