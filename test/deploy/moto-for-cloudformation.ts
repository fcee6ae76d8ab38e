import { startMotoServer, type MotoServer } from '../../local/moto-server';

/** moto's default account: any dummy credentials land in it when no `x-moto-account-id` header is sent. */
export const MOTO_ACCOUNT = '123456789012';
export const DEPLOY_REGION = 'us-east-1';
export const DUMMY_CREDENTIALS = { accessKeyId: 'AKIAMOTODEPLOYTEST01', secretAccessKey: 'moto-deploy-test' } as const;

/**
 * A dedicated moto server for `cdk deploy`, whose Lambda API reads the backend moto's CloudFormation writes.
 *
 * startMotoServer switches Lambda to its docker-less implementation (EMULATOR.md), which keeps functions in
 * another backend than the one CloudFormation creates them in: the deployed functions would be invisible.
 * Nothing exists yet, so switching back to the default is safe (switching later would hide what exists).
 * Without Docker such a server cannot invoke functions; the deploy test never does.
 */
export async function startMotoForCloudFormation(): Promise<MotoServer> {
  const moto = await startMotoServer();
  try {
    const response = await fetch(`${moto.endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify({ lambda: { use_docker: true } }) });
    if (!response.ok) throw new Error(`moto-api/config answered ${response.status}`);
  } catch (error) {
    await moto.stop();
    throw error;
  }
  return moto;
}

/** The environment of a `cdk` run against `moto`: fixed dummy credentials, account and region, nothing inherited from AWS_*. */
export function cdkEnvironmentFor(moto: MotoServer): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('CDK_')));
  return {
    ...inherited,
    AWS_ENDPOINT_URL: moto.endpoint,
    // The CLI hands CloudFormation an S3 URL for the template; moto reads the bucket from its path only when
    // the host is `localhost`.
    AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION: `http://localhost:${moto.port}`,
    AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
    AWS_REGION: DEPLOY_REGION,
    AWS_DEFAULT_REGION: DEPLOY_REGION,
  };
}
