import { EC2Client } from '@aws-sdk/client-ec2';
import { createClients } from '../shared/clients';
import { taskHandler } from '../shared/task-handler';
import { auditExistingVpc } from './audit';
import type { NetworkTaskInput } from './types';

/**
 * AuditExistingVpc (existing mode, read-only): what the existing VPC has, what lambda-egress will add in each AZ,
 * and what it leaves alone (functions/network/audit.ts).
 */
const clients = createClients({ ec2: EC2Client });
export const handler = taskHandler('AuditExistingVpc', (input: NetworkTaskInput) => auditExistingVpc(clients, input));
