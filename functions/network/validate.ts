import { createClients } from '../shared/clients';
import { taskHandler } from '../shared/task-handler';
import type { ValidateRequestInput } from './types';
import { validateRequest } from './validate-request';

const clients = createClients();
export const handler = taskHandler('ValidateRequest', (input: ValidateRequestInput) => validateRequest(clients, input));
