import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createClients } from '../shared/clients';
import { answer, arnFromEnv } from './http';
import { releaseRequest } from './release';
import { RELEASE_STATE_MACHINE_ENV, PROVISION_STATE_MACHINE_ENV } from './requests';

const { sfn } = createClients({ sfn: SFNClient });

/** DELETE /requests/{id}: releases the function the request provisioned. */
export const handler = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  answer('DELETE /requests/{id}', () =>
    releaseRequest(sfn, { provision: arnFromEnv(PROVISION_STATE_MACHINE_ENV), release: arnFromEnv(RELEASE_STATE_MACHINE_ENV) }, event.pathParameters?.id),
  );
