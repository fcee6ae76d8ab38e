import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { requiredEnvironment } from '../shared/environment';
import { logger } from '../shared/logger';
import { PROVISION_STATE_MACHINE_ENV, type ApiAnswer } from './requests';

/** A header of a proxy event, whatever case the client sent it in. */
export function headerOf(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const entry = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted);
  return entry?.[1] ?? undefined;
}

export function stateMachineArnFromEnv(): string {
  return arnFromEnv(PROVISION_STATE_MACHINE_ENV);
}

/** A state machine ARN the stack passes an API function in its environment. */
export function arnFromEnv(variable: string): string {
  return requiredEnvironment(variable, 'the stack passes the API functions the ARN of each state machine they start');
}

/** Runs an operation as an API Gateway proxy answer: JSON body, and a logged 500 (no details) for anything unexpected. */
export async function answer(operation: string, run: () => Promise<ApiAnswer>): Promise<APIGatewayProxyResult> {
  let result: ApiAnswer;
  try {
    result = await run();
  } catch (error) {
    logger.error(`${operation} failed`, error as Error);
    result = { statusCode: 500, body: { message: `${operation} failed; the error is in the function's log` } };
  }
  return { statusCode: result.statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(result.body) };
}
