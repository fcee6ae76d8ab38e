import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { identifyCall, shapeError } from './aws-protocol';
import { CONTROL_PREFIX, type CallRecord, type FaultRule } from './fault-rules';
import { answerBlockPublicAccess } from './block-public-access';
import { RealismProfile, type RealismCall, type RealismSettings } from './realism-profile';
import { RegionalNatGateways } from './regional-nat-gateways';

/**
 * An HTTP proxy between the SDK and moto. Each access key id is its own AWS account (moto's
 * x-moto-account-id), so test files run in parallel without seeing each other; rules and call logs are
 * kept per access key. Credentials an STS AssumeRole through the proxy issued belong to the caller's key (its
 * account, rules and call log), as an assumed role of one's own account does on AWS; their calls are recorded
 * with the role assumed. Control endpoints live under CONTROL_PREFIX.
 */
export interface FaultProxy {
  readonly endpoint: string;
  close(): Promise<void>;
}

interface KeyState {
  account: string;
  rules: FaultRule[];
  counters: Map<string, number>;
  calls: CallRecord[];
  /** Record each call's request and answer too (off by default: bodies can be large). */
  details: boolean;
  /** Set by the test around each task it runs: every call recorded meanwhile carries it. */
  label: string | undefined;
  /** While set, the account's calls are answered as AWS behaves (local/realism-profile.ts). */
  realism: RealismProfile | undefined;
}

/** `firstAccount`: the first moto account id it hands out; two proxies in front of one moto need distinct ranges. */
/** `realism`: every account starts with the realism profile on (the CLI's `--local --aws-realism`). */
export async function startFaultProxy(upstream: string, options: { readonly firstAccount?: number; readonly realism?: RealismSettings } = {}): Promise<FaultProxy> {
  const keys = new Map<string, KeyState>();
  /** Access key id of an STS session -> the role it assumed. */
  const sessions = new Map<string, string>();
  // What moto cannot answer at all (regional NAT gateways), answered here in AWS's shape.
  const regionalNats = new RegionalNatGateways();
  let nextAccount = options.firstAccount ?? 100000000000;
  const stateOf = (accessKeyId: string): KeyState => {
    let state = keys.get(accessKeyId);
    if (!state) {
      state = { account: String(nextAccount++), rules: [], counters: new Map(), calls: [], details: false, label: undefined, realism: options.realism ? new RealismProfile(options.realism) : undefined };
      keys.set(accessKeyId, state);
    }
    return state;
  };

  // moto applies a TransactWriteItems item by item and, when an item's condition fails, puts back a copy of the
  // whole table taken when it began, erasing whatever a concurrent call wrote meanwhile (a lock another execution
  // just took). DynamoDB's transactions are serializable
  // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-isolation),
  // so DynamoDB calls reach moto one at a time, as if they were.
  let dynamodbTurn: Promise<unknown> = Promise.resolve();
  const forwardInTurn = (service: string, ...args: Parameters<typeof forward>): Promise<UpstreamResponse> => {
    if (service !== 'dynamodb') return forward(...args);
    const mine = dynamodbTurn.then(() => forward(...args));
    dynamodbTurn = mine.catch(() => undefined);
    return mine;
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then(async (body) => {
      try {
        if (req.url?.startsWith(CONTROL_PREFIX)) {
          control(req, res, body.toString('utf8'));
          return;
        }
        await proxy(req, res, body);
      } catch (error) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault proxy: ${(error as Error).message}`);
      }
    });
  });

  const control = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const key = url.searchParams.get('accessKeyId');
    if (!key) return reply(res, 400, { error: 'accessKeyId query parameter is required' });
    const state = stateOf(key);
    switch (`${req.method} ${url.pathname.slice(CONTROL_PREFIX.length)}`) {
      case 'POST /account':
        state.account = String(nextAccount++);
        state.rules = [];
        state.counters.clear();
        state.calls = [];
        state.details = false;
        state.label = undefined;
        state.realism = undefined;
        return reply(res, 200, { account: state.account });
      case 'GET /account':
        return reply(res, 200, { account: state.account });
      case 'POST /rules':
        state.rules.push(JSON.parse(body) as FaultRule);
        return reply(res, 200, { rules: state.rules.length });
      case 'DELETE /rules':
        state.rules = [];
        state.counters.clear();
        return reply(res, 200, {});
      case 'GET /calls':
        return reply(res, 200, state.calls);
      case 'POST /details':
        state.details = (JSON.parse(body) as { record?: boolean }).record === true;
        return reply(res, 200, { details: state.details });
      case 'PUT /label':
        state.label = (JSON.parse(body) as { label?: string }).label;
        return reply(res, 200, {});
      case 'PUT /realism': {
        const settings = JSON.parse(body) as Partial<RealismSettings>;
        state.realism = new RealismProfile({ seed: Number(settings.seed ?? 1) });
        return reply(res, 200, { realism: state.realism.settings });
      }
      case 'DELETE /realism':
        state.realism = undefined;
        return reply(res, 200, {});
      case 'DELETE /calls':
        state.calls = [];
        return reply(res, 200, {});
      default:
        return reply(res, 404, { error: `unknown control ${req.method} ${url.pathname}` });
    }
  };

  const proxy = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const call = identifyCall(req.method ?? 'GET', req.url ?? '/', req.headers, body.toString('latin1'));
    const state = call.accessKeyId ? stateOf(call.accessKeyId) : undefined;
    const rule = state ? matchRule(state, call.service, call.action) : undefined;
    const fault = rule?.fault;
    const assumedRole = call.accessKeyId ? sessions.get(call.accessKeyId) : undefined;
    const detailsOf = (responseBody: Buffer | string) =>
      state?.details ? { ...(state.label ? { label: state.label } : {}), details: { method: req.method ?? 'GET', path: req.url ?? '/', requestBody: body.toString('utf8'), responseBody: responseBody.toString() } } : {};
    const realismCall = state?.realism ? realismCallOf(call.service, call.action, req.url, body) : undefined;
    const realistic = !fault && realismCall ? state?.realism?.before(realismCall) : undefined;
    const answered = fault?.type === 'error' ? { ...fault, message: fault.message ?? `Injected ${fault.code}`, injected: 'error' as const } : realistic ? { ...realistic, injected: 'realism' as const } : undefined;
    if (answered) {
      const shaped = shapeError(call.service, answered.code, answered.status, answered.message);
      state?.calls.push({ service: call.service, action: call.action, status: shaped.status, injected: answered.injected, ...(realistic ? { realism: realistic.behaviour } : {}), ...(assumedRole ? { assumedRole } : {}), ...detailsOf(shaped.body) });
      res.writeHead(shaped.status, { ...shaped.headers, 'content-length': Buffer.byteLength(shaped.body) });
      res.end(shaped.body);
      return;
    }
    if (fault?.type === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    const replayed = realismCall && !answered ? state?.realism?.replayed(realismCall) : undefined;
    if (replayed !== undefined) {
      state?.calls.push({ service: call.service, action: call.action, status: 200, injected: 'realism', realism: 'idempotent-replay', ...detailsOf(replayed) });
      res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': Buffer.byteLength(replayed) });
      res.end(replayed);
      return;
    }
    const regional = call.service === 'ec2' && state ? regionalNats.answer(state.account, call.action, queryOf(req.url, body)) : undefined;
    // What moto does not serve at all, answered here in AWS's shape (local/block-public-access.ts).
    const signedRegion = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    const bpa = call.service === 'ec2' && state && regional?.body === undefined ? answerBlockPublicAccess(state.account, call.action, queryOf(req.url, body), signedRegion) : undefined;
    const bpaError = bpa && 'error' in bpa ? shapeError('ec2', bpa.error.code, bpa.error.status, bpa.error.message) : undefined;
    const servedHere = regional?.body ?? (bpa && 'body' in bpa ? bpa.body : undefined);
    const upstreamResponse = bpaError
      ? { status: bpaError.status, headers: bpaError.headers, body: Buffer.from(bpaError.body, 'utf8') }
      : servedHere !== undefined
        ? { status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body: Buffer.from(servedHere, 'utf8') }
        : await forwardInTurn(call.service, upstream, req, body, state?.account);
    let responseBody = regional?.merge ? Buffer.from(regional.merge(upstreamResponse.body.toString('utf8')), 'utf8') : upstreamResponse.body;
    if (state && call.service === 'sts' && call.action === 'AssumeRole' && upstreamResponse.status === 200) {
      const issued = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(responseBody.toString('utf8'))?.[1];
      if (issued) {
        keys.set(issued, state);
        sessions.set(issued, queryOf(req.url, body).get('RoleArn') ?? 'unknown');
      }
    }
    let rewrittenBy: string | undefined;
    if (realismCall && state?.realism) {
      responseBody = Buffer.from(state.realism.after(realismCall, upstreamResponse.status, responseBody.toString('utf8')), 'utf8');
      rewrittenBy = state.realism.lastRewrite;
      state.realism.lastRewrite = undefined;
    }
    if (fault?.type === 'rewrite') {
      let text = responseBody.toString('utf8');
      for (const { pattern, replacement } of fault.replacements) text = text.replace(new RegExp(pattern, 'g'), replacement);
      responseBody = Buffer.from(text, 'utf8');
    }
    state?.calls.push({
      service: call.service,
      action: call.action,
      status: upstreamResponse.status,
      ...(assumedRole ? { assumedRole } : {}),
      ...(fault ? { injected: fault.type } : rewrittenBy ? { injected: 'realism' as const, realism: rewrittenBy } : {}),
      ...detailsOf(responseBody),
    });
    const headers = { ...upstreamResponse.headers };
    // Hop-by-hop headers describe the connection to moto, which is closed after each call; passed on, moto's
    // `Connection: close` made every client open a new connection for every call.
    for (const hopByHop of ['connection', 'keep-alive', 'transfer-encoding']) delete headers[hopByHop];
    headers['content-length'] = String(responseBody.length);
    res.writeHead(upstreamResponse.status, headers);
    res.end(responseBody);
  };

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

function matchRule(state: KeyState, service: string, action: string): FaultRule | undefined {
  const counterKey = `${service}:${action}`;
  const count = (state.counters.get(counterKey) ?? 0) + 1;
  state.counters.set(counterKey, count);
  return state.rules.find((rule) => {
    if (rule.service !== service || rule.action !== action) return false;
    const first = rule.nth ?? 1;
    const times = rule.times ?? 1;
    return count >= first && (times < 0 || count < first + times);
  });
}

interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function forward(upstream: string, req: IncomingMessage, body: Buffer, account: string | undefined): Promise<UpstreamResponse> {
  const target = new URL(req.url ?? '/', upstream);
  const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: target.host, connection: 'close' };
  if (account) headers['x-moto-account-id'] = account;
  return new Promise((resolve, reject) => {
    // A fresh connection per call: moto's server may close a kept-alive one at any moment.
    const outgoing = httpRequest(target, { method: req.method, headers, agent: false }, (incoming) => {
      void readBody(incoming).then((text) => resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body: text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function realismCallOf(service: string, action: string, url: string | undefined, body: Buffer): RealismCall {
  const path = new URL(url ?? '/', 'http://proxy').pathname;
  const text = body.toString('utf8');
  let json: unknown;
  if (text.startsWith('{')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { service, action, path, query: json === undefined ? queryOf(url, body) : new URLSearchParams(), json };
}

/** An EC2 query call's parameters: the form body, and the query string (the SDK sends the former). */
function queryOf(url: string | undefined, body: Buffer): URLSearchParams {
  const params = new URLSearchParams(body.toString('utf8'));
  for (const [key, value] of new URL(url ?? '/', 'http://proxy').searchParams) if (!params.has(key)) params.set(key, value);
  return params;
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
