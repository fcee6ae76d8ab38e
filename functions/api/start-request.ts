import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createClients } from '../shared/clients';
import { answer, headerOf, stateMachineArnFromEnv } from './http';
import { IDEMPOTENCY_HEADER } from './requests';
import { startRequest } from './start';

const { sfn } = createClients({ sfn: SFNClient });

/** POST /requests (body validated by API Gateway against statemachine/request.schema.json). */
export const handler = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  answer('POST /requests', () => startRequest(sfn, stateMachineArnFromEnv(), { idempotencyKey: headerOf(event, IDEMPOTENCY_HEADER), body: event.body }));
