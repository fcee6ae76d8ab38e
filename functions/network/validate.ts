import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createClients } from '../shared/clients';
import { taskHandler } from '../shared/task-handler';
import type { ValidateRequestInput } from './types';
import { validateRequest } from './validate-request';

const clients = createClients({ ec2: EC2Client, lambda: LambdaClient });
export const handler = taskHandler('ValidateRequest', (input: ValidateRequestInput) => validateRequest(clients, input));
