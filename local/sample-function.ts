import { IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, GetFunctionConfigurationCommand, LambdaClient, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { createClients } from '../functions/shared/clients';
import { undefinedWhenNotFound } from '../functions/shared/errors';
import { zipSingleFile } from '../functions/shared/zip';
import { ensureLambdaRole } from './lambda-roles';

/** The AWS guide's own egress test function (Node.js, fetch): what the demo and the tests deploy as "the user's function". */
const SAMPLE_FUNCTION_SOURCE = `const url = "https://aws.amazon.com/";
export const handler = async () => {
  try {
    const res = await fetch(url);
    console.info("status", res.status);
    return res.status;
  } catch (e) {
    console.error(e);
    return 500;
  }
};
`;

export function sampleFunctionZip(): Uint8Array {
  return zipSingleFile('index.mjs', SAMPLE_FUNCTION_SOURCE);
}

interface SampleFunctionClients {
  readonly iam: IAMClient;
  readonly lambda: LambdaClient;
}

async function createFromSample(
  clients: SampleFunctionClients,
  name: string,
  options: { readonly roleName: string; readonly roleDescription?: string; readonly timeoutSeconds: number; readonly description?: string },
): Promise<FunctionConfiguration> {
  const roleArn = await ensureLambdaRole(clients.iam, options.roleName, options.roleDescription);
  return clients.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Role: roleArn,
      Handler: 'index.handler',
      Code: { ZipFile: sampleFunctionZip() },
      Timeout: options.timeoutSeconds,
      MemorySize: 128,
      ...(options.description ? { Description: options.description } : {}),
    }),
  );
}

let sampleClients: SampleFunctionClients | undefined;

/**
 * Creates a role (or reuses one of that name) and a plain (non-VPC) nodejs22.x function in the current
 * account, as a user would have; a second call with the same name fails as CreateFunction does.
 */
export async function createSampleFunction(name: string, roleName = `${name}-role`): Promise<FunctionConfiguration> {
  sampleClients ??= createClients({ iam: IAMClient, lambda: LambdaClient });
  return createFromSample(sampleClients, name, { roleName, timeoutSeconds: 3 });
}

/**
 * The demo's function, the sample function of the AWS guide as a user would have it: a plain, non-VPC
 * nodejs22.x function with its own role. Found again by name on a second run.
 */
export async function ensureDemoFunction(iam: IAMClient, lambda: LambdaClient, functionName: string): Promise<FunctionConfiguration> {
  const existing = await undefinedWhenNotFound(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })));
  if (existing) return existing;
  return createFromSample({ iam, lambda }, functionName, {
    roleName: `${functionName}-role`,
    roleDescription: 'lambda-egress demo: the sample function of the AWS guide',
    timeoutSeconds: 10,
    description: 'lambda-egress demo: fetches https://aws.amazon.com/ (the AWS guide test function)',
  });
}
