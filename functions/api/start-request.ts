import { IAMClient } from '@aws-sdk/client-iam';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createClients } from '../shared/clients';
import { callerCheckEnabled } from './caller-check';
import { requestedByOf } from './caller';
import { answer, headerOf, stateMachineArnFromEnv } from './http';
import { IDEMPOTENCY_HEADER } from './requests';
import { startCheckedRequest } from './start-checked';

const { sfn, iam } = createClients({ sfn: SFNClient, iam: IAMClient });

/** POST /requests (body validated by API Gateway against functions/shared/request.schema.json). */
export const handler = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  answer('POST /requests', () => {
    const requestedBy = requestedByOf(event);
    return startCheckedRequest({ sfn, ...(callerCheckEnabled() ? { iam } : {}) }, stateMachineArnFromEnv(), {
      idempotencyKey: headerOf(event, IDEMPOTENCY_HEADER),
      body: event.body,
      ...(requestedBy ? { requestedBy } : {}),
    });
  });
