import { LambdaClient } from '@aws-sdk/client-lambda';
import { checkFunctionUpdate } from '../../functions/function/check-function-update';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { executionNamed, normalizedRequest } from '../support/egress-network';

const lambda = new LambdaClient({});

/** moto always answers `"LastUpdateStatus": "Successful"`: the proxy rewrites that one read. */
async function answerNextRead(replacement: string): Promise<void> {
  await emulator.clearFaults();
  await emulator.inject({
    service: 'lambda',
    action: 'GetFunctionConfiguration',
    fault: { type: 'rewrite', replacements: [{ pattern: '"LastUpdateStatus": ?"Successful"', replacement }] },
  });
}

describe('CheckFunctionUpdate', () => {
  let input: Parameters<typeof checkFunctionUpdate>[1];

  beforeEach(async () => {
    await emulator.freshAccount();
    const fn = await createSampleFunction('waited-fn');
    input = { execution: executionNamed('check'), request: normalizedRequest({ functionName: 'waited-fn', functionArn: fn.FunctionArn! }) };
  });

  it('reports Successful with the function state once Lambda has applied the update', async () => {
    await expect(checkFunctionUpdate({ lambda }, input)).resolves.toEqual({ status: 'Successful', functionState: 'Active' });
  });

  it('reports InProgress while Lambda is still applying the update (injected: moto is never InProgress)', async () => {
    await answerNextRead('"LastUpdateStatus": "InProgress"');
    await expect(checkFunctionUpdate({ lambda }, input)).resolves.toEqual({ status: 'InProgress', functionState: 'Active' });
    // the next look (no fault left) sees it done
    await expect(checkFunctionUpdate({ lambda }, input)).resolves.toMatchObject({ status: 'Successful' });
  });

  it('reports InProgress while the function is still Pending', async () => {
    await emulator.clearFaults();
    await emulator.inject({
      service: 'lambda',
      action: 'GetFunctionConfiguration',
      fault: { type: 'rewrite', replacements: [{ pattern: '"State": ?"Active"', replacement: '"State": "Pending"' }] },
    });
    await expect(checkFunctionUpdate({ lambda }, input)).resolves.toEqual({ status: 'InProgress', functionState: 'Pending' });
  });

  it("fails FunctionUpdateFailed with Lambda's LastUpdateStatusReason and its code", async () => {
    await answerNextRead(
      '"LastUpdateStatus": "Failed", "LastUpdateStatusReason": "Lambda was unable to configure access to your VPC because the subnets have no free IP addresses", "LastUpdateStatusReasonCode": "SubnetOutOfIPAddresses"',
    );
    const failure = checkFunctionUpdate({ lambda }, input);
    await expect(failure).rejects.toMatchObject({
      name: 'FunctionUpdateFailed',
      details: { lastUpdateStatusReasonCode: 'SubnetOutOfIPAddresses', lastUpdateStatusReason: expect.stringContaining('no free IP addresses') },
    });
    await expect(failure).rejects.toThrow(/no free IP addresses \(SubnetOutOfIPAddresses\)/);
  });
});
