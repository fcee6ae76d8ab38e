import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { identifyCall } from './aws-protocol';
import { Accounts } from './accounts';
import { forwardTo, readBody } from './forward';
import { CONTROL_PREFIX, type ControlRoute, type Next, type ProxyAnswer, type ProxyBehaviour } from './pipeline';
import { stsSessions } from './sts-sessions';

/** An HTTP proxy between the SDK and moto, composed of behaviours (pipeline.ts). */
export interface EmulatorProxy {
  readonly endpoint: string;
  close(): Promise<void>;
}

interface EmulatorProxyOptions {
  /** The first moto account id handed out; two proxies in front of one moto need distinct ranges. */
  readonly firstAccount?: number;
  /** Outermost first; STS sessions and the forward to moto are always the innermost steps. */
  readonly behaviours: readonly ProxyBehaviour[];
}

/**
 * Starts the proxy: account isolation per access key (accounts.ts) around the behaviours, each call passing
 * through them in order, and their control endpoints under CONTROL_PREFIX (`?accessKeyId=` names the account).
 */
export async function startEmulatorProxy(upstream: string, options: EmulatorProxyOptions): Promise<EmulatorProxy> {
  const accounts = new Accounts(options.firstAccount);
  const behaviours = [...options.behaviours, stsSessions(accounts)];
  const pipeline = behaviours.reduceRight<Next>((next, behaviour) => (call) => behaviour.handle(call, next), forwardTo(upstream));
  const routes = new Map<string, ControlRoute>([
    ['GET /account', (state) => [200, { account: state.account }]],
    [
      'POST /account',
      (state) => {
        accounts.renew(state);
        for (const behaviour of behaviours) behaviour.reset?.(state);
        return [200, { account: state.account }];
      },
    ],
    ...behaviours.flatMap((behaviour) => Object.entries(behaviour.control ?? {})),
  ]);

  const control = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const key = url.searchParams.get('accessKeyId');
    if (!key) return reply(res, 400, { error: 'accessKeyId query parameter is required' });
    const route = routes.get(`${req.method} ${url.pathname.slice(CONTROL_PREFIX.length)}`);
    if (!route) return reply(res, 404, { error: `unknown control ${req.method} ${url.pathname}` });
    const [status, payload] = route(accounts.stateOf(key), body);
    return reply(res, status, payload);
  };

  const proxy = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const identity = identifyCall(method, url, req.headers, body.toString('latin1'));
    const state = identity.accessKeyId ? accounts.stateOf(identity.accessKeyId) : undefined;
    const answer = await pipeline({ identity, method, url, headers: req.headers, body, state, assumedRole: accounts.roleOf(identity.accessKeyId) });
    send(res, answer);
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then(async (body) => {
      try {
        if (req.url?.startsWith(CONTROL_PREFIX)) control(req, res, body.toString('utf8'));
        else await proxy(req, res, body);
      } catch (error) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault proxy: ${(error as Error).message}`);
      }
    });
  });
  return listenOnLoopback(server);
}

function send(res: ServerResponse, answer: ProxyAnswer): void {
  const headers = { ...answer.headers };
  // Hop-by-hop headers describe the connection to moto, which is closed after each call; passed on, moto's
  // `Connection: close` made every client open a new connection for every call.
  for (const hopByHop of ['connection', 'keep-alive', 'transfer-encoding']) delete headers[hopByHop];
  headers['content-length'] = String(answer.body.length);
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

function reply(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Listens on a free loopback port; `close` also ends kept-alive connections. */
async function listenOnLoopback(server: Server): Promise<EmulatorProxy> {
  // Clients (the SDK, fetch) keep connections alive; Node's 5 s default would close idle sockets under them
  // just as they are reused ("other side closed"), and tests run with AWS_MAX_ATTEMPTS=1.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('fault proxy did not get a port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    // Kept-alive and in-flight connections would hold close() open for up to keepAliveTimeout (a Ctrl-C hung).
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
