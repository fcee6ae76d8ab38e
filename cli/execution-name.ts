import { DescribeTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { TAG_EXECUTION } from '../functions/shared/tags';
import { UsageError } from './io';
import { readLocalExecutionIfKept } from './local-executions';

/**
 * `provision --local --execution-name NAME` with a name that already ran: Step Functions runs no new execution
 * under a name used in the last 90 days (a closed one answers ExecutionAlreadyExists whatever the input,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html). The local runner
 * has no such memory, and a second run would take the first one's tagged resources for its own ("new
 * network"): refused alike, before anything is called that changes a thing. The emulator's memory is its
 * resources tagged with the execution, and the session's kept runs (cli/local-executions.ts).
 */
export async function refuseReusedExecutionName(ec2: EC2Client, env: NodeJS.ProcessEnv, executionArn: string): Promise<void> {
  const tagged = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: [TAG_EXECUTION] }, { Name: 'value', Values: [executionArn] }], MaxResults: 5 }));
  const resources = (tagged.Tags ?? []).map((tag) => tag.ResourceId ?? '').filter(Boolean);
  if (resources.length === 0 && !readLocalExecutionIfKept(env, executionArn)) return;
  const name = executionArn.split(':').pop() ?? executionArn;
  throw new UsageError(
    `--execution-name: an execution named "${name}" already ran in this emulator${resources.length > 0 ? ` (its resources carry ${TAG_EXECUTION}=${executionArn}: ${resources.join(', ')})` : ''}. ` +
      'As Step Functions, local mode runs no second execution under a used name: choose another name, or leave --execution-name out.',
  );
}
