import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { ProxyAnswer, ProxyCall } from './pipeline';

/** The innermost step: the call as it came, to moto, in the caller's account (x-moto-account-id). */
export function forwardTo(upstream: string): (call: ProxyCall) => Promise<ProxyAnswer> {
  return (call) => {
    const target = new URL(call.url, upstream);
    const headers: Record<string, string | string[] | undefined> = { ...call.headers, host: target.host, connection: 'close' };
    if (call.state) headers['x-moto-account-id'] = call.state.account;
    return new Promise((resolve, reject) => {
      // A fresh connection per call: moto's server may close a kept-alive one at any moment.
      const outgoing = httpRequest(target, { method: call.method, headers, agent: false }, (incoming) => {
        void readBody(incoming).then((body) => resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body }));
      });
      outgoing.on('error', reject);
      outgoing.end(call.body);
    });
  };
}

export function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
