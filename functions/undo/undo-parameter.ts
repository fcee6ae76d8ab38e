import { DeleteParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { RollbackOutcome } from './types';
import { undoCall } from './undo-call';

/**
 * Deletes one of the network's published parameters (ledger kind `ssm-parameter`, id = its name). Nothing depends
 * on a parameter in AWS; a stack that reads it fails its next deploy instead of placing a function on a network
 * that is gone. ParameterNotFound: already gone.
 */
export async function deleteNetworkParameter(ssm: SSMClient, name: string): Promise<RollbackOutcome> {
  return undoCall(() => ssm.send(new DeleteParameterCommand({ Name: name })));
}
