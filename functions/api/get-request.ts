import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { answer, stateMachineArnFromEnv } from './http';
import { requestStatus } from './status';

const sfn = new SFNClient({});

/** GET /requests/{id}. */
export const handler = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  answer('GET /requests/{id}', () => requestStatus(sfn, stateMachineArnFromEnv(), event.pathParameters?.id));
