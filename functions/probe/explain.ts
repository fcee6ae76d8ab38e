import type { ProbeResult, ReachabilityVerdict } from './types';

interface FailureFacts {
  readonly result: ProbeResult;
  readonly reachability: ReachabilityVerdict;
  readonly subnetIds: readonly string[];
  readonly expectedStatuses: readonly number[];
  readonly timeoutSeconds: number;
}

/** ProbeFailed's message: what the probe saw, then what the static analysis says about why, in plain English. */
export function explainProbeFailure(facts: FailureFacts): string {
  return `${whatHappened(facts)} ${diagnosis(facts)}`;
}

function whatHappened({ result, subnetIds, expectedStatuses, timeoutSeconds }: FailureFacts): string {
  const from = `from ${subnetIds.join(', ')}`;
  const took = `after ${result.elapsedMs} ms`;
  const error = result.error;
  const detail = error ? `${error.code ? `${error.code}: ` : ''}${error.message}` : '';
  if (!error && result.statusCode !== undefined) {
    return `The probe ${from} reached ${result.url} but got HTTP ${result.statusCode}, not ${expectedStatuses.length === 1 ? expectedStatuses[0] : `one of ${expectedStatuses.join(', ')}`} (${took}).`;
  }
  switch (error?.kind) {
    case 'timeout':
      return `The probe ${from} got no answer from ${result.url} within ${timeoutSeconds} s (${took}; ${detail}).`;
    case 'dns':
      return `The probe ${from} could not resolve the host name of ${result.url} (${detail}).`;
    case 'connection':
      return `The probe ${from} could not connect to ${result.url} (${detail}).`;
    case 'tls':
      return `The probe ${from} reached ${result.url} but the TLS handshake failed (${detail}).`;
    default:
      return `The probe ${from} failed for ${result.url || 'the URL'}: ${detail || 'no details'}.`;
  }
}

function diagnosis({ result, reachability }: FailureFacts): string {
  if (reachability.verdict === 'FAIL') {
    return `Diagnosis: ${reachability.explanation}. Fix: ${reachability.fix}.`;
  }
  if (reachability.verdict === 'INCONCLUSIVE') {
    return `Diagnosis: the path could not be followed to the end — ${reachability.explanation}. ${capitalize(reachability.fix)}.`;
  }
  const beyond =
    result.error?.kind === 'dns'
      ? "so the VPC's DNS resolution is the suspect: check that the VPC has enableDnsSupport on, and that the host name exists."
      : result.error
        ? 'so the cause is probably beyond the VPC: the server at the URL, a firewall on the way, or a time-out too short for it.'
        : 'so the network works: the server answered, just not with an expected status. Check the URL or the expected statuses.';
  return `Diagnosis: the static analysis found every hop in place (route table -> NAT gateway -> internet gateway, security group, network ACLs), ${beyond}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
