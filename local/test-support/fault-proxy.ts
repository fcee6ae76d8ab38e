import type { RealismSettings } from '../proxy/realism-profile';
import { localBehaviours } from '../proxy/local-proxy';
import { startEmulatorProxy, type EmulatorProxy } from '../proxy/server';
import { callLog } from './call-log';
import { faultInjection } from './faults';

export type FaultProxy = EmulatorProxy;

/**
 * The tests' and the benchmark's proxy: local mode's (local/proxy/local-proxy.ts) with the call log outermost
 * (it records what the caller got) and fault injection next (a fault rule decides before the realism profile).
 */
export function startFaultProxy(upstream: string, options: { readonly firstAccount?: number; readonly realism?: RealismSettings } = {}): Promise<FaultProxy> {
  return startEmulatorProxy(upstream, {
    ...(options.firstAccount !== undefined ? { firstAccount: options.firstAccount } : {}),
    behaviours: [callLog(), faultInjection(), ...localBehaviours(options)],
  });
}
