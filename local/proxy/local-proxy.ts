import type { RealismSettings } from './realism-profile';
import { dynamodbOneAtATime } from './dynamodb-turns';
import type { ProxyBehaviour } from './pipeline';
import { realism } from './realism';
import { blockPublicAccess, regionalNatGateways } from './served-here';
import { startEmulatorProxy, type EmulatorProxy } from './server';

/**
 * What moto lacks that local runs rely on, outermost first: the realism profile (off unless `realism` or the
 * CLI's `--aws-realism`), regional NAT gateways, VPC Block Public Access, and DynamoDB calls one at a time.
 * Account isolation and STS sessions are the server's (server.ts).
 */
export function localBehaviours(options: { readonly realism?: RealismSettings } = {}): ProxyBehaviour[] {
  return [realism(options.realism), regionalNatGateways(), blockPublicAccess(), dynamodbOneAtATime()];
}

/** The proxy local mode puts in front of its embedded moto: no fault injection, no call log (test support). */
export function startLocalProxy(upstream: string, options: { readonly firstAccount?: number; readonly realism?: RealismSettings } = {}): Promise<EmulatorProxy> {
  return startEmulatorProxy(upstream, { ...(options.firstAccount !== undefined ? { firstAccount: options.firstAccount } : {}), behaviours: localBehaviours(options) });
}
