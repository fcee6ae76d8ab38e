import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED_PATH, generatedModuleText } from '../../functions/probe/build-probe-code';
import { handler as probe, type ProbeEvent, type ProbeResult } from '../../functions/probe/probe';
import { PROBE_FILE_NAME, PROBE_HANDLER, probeCodeZip } from '../../functions/probe/probe-code';
import { PROBE_SOURCE } from '../../functions/probe/probe-code.generated';

/** A loopback HTTP server: `/status/<n>` answers n, `/hang` never answers. */
async function startServer(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    const status = Number(/^\/status\/(\d+)$/.exec(req.url ?? '')?.[1] ?? 200);
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(`status ${status}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no port');
  return { server, base: `http://127.0.0.1:${address.port}` };
}

async function closedPort(): Promise<number> {
  const { server, base } = await startServer();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return Number(new URL(base).port);
}

describe('the probe (runs inside the VPC), against loopback servers', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    ({ server, base } = await startServer());
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('passes on 200 with the status and the elapsed milliseconds', async () => {
    const result = await probe({ url: `${base}/status/200`, timeoutSeconds: 3 });
    expect(result).toEqual({ url: `${base}/status/200`, ok: true, statusCode: 200, elapsedMs: expect.any(Number) });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(result.elapsedMs).toBeLessThan(3000);
  });

  it('fails on 503 with the status, which is an answer, not an error', async () => {
    const result = await probe({ url: `${base}/status/503`, timeoutSeconds: 3 });
    expect(result).toMatchObject({ ok: false, statusCode: 503 });
    expect(result.error).toBeUndefined();
  });

  it('passes on a status the caller expects, e.g. 503 from a health endpoint that says so', async () => {
    const result = await probe({ url: `${base}/status/503`, timeoutSeconds: 3, expectedStatuses: [503] });
    expect(result).toMatchObject({ ok: true, statusCode: 503 });
  });

  // The upper bound leaves a second for a loaded CI machine's scheduling: it proves the probe gives up at its
  // time-out instead of waiting for a server that never answers, not how precisely (bench/ measures time).
  it('returns a time-out result once its time-out has passed, when the server never answers', async () => {
    const started = Date.now();
    const result = await probe({ url: `${base}/hang`, timeoutSeconds: 1 });
    const wall = Date.now() - started;
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(result.statusCode).toBeUndefined();
    expect(result.elapsedMs).toBeGreaterThanOrEqual(990);
    expect(result.elapsedMs).toBeLessThan(2000);
    expect(wall).toBeLessThan(2000);
  });

  it('returns a connection error for a closed port (connection refused)', async () => {
    const port = await closedPort();
    const result = await probe({ url: `http://127.0.0.1:${port}/`, timeoutSeconds: 2 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'connection', code: 'ECONNREFUSED' } });
  });

  it('returns a DNS error for a host name that cannot resolve', async () => {
    const result = await probe({ url: 'http://nonexistent.invalid/', timeoutSeconds: 3 });
    expect(result.ok).toBe(false);
    expect(result.error?.kind).toBe('dns');
    expect(result.error?.code).toMatch(/^(ENOTFOUND|EAI_AGAIN|EAI_FAIL|EAI_NONAME|EAI_NODATA)$/);
  });

  it('returns a TLS error when the handshake fails (https to a plain-HTTP server)', async () => {
    const result = await probe({ url: `${base.replace('http:', 'https:')}/status/200`, timeoutSeconds: 3 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'tls' } });
  });

  it('returns an "other" error for a URL that is not one, instead of throwing', async () => {
    const result = await probe({ url: 'not a url', timeoutSeconds: 1 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'other' } });
  });
});

describe('the probe as deployed: probe-code.generated.ts in a one-file zip', () => {
  it('is the current compilation of probe.ts (regenerate: npx tsx functions/probe/build-probe-code.ts)', () => {
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(generatedModuleText());
  });

  it('is self-contained: no require of anything, not even a built-in', () => {
    expect(PROBE_SOURCE).not.toMatch(/\brequire\(/);
    expect(PROBE_SOURCE).toMatch(/exports/);
    expect(PROBE_HANDLER).toBe(`${PROBE_FILE_NAME.replace(/\.js$/, '')}.handler`);
  });

  it('runs from the unzipped package as Lambda would load it, and answers like the source', async () => {
    // GIVEN the zip RunProbe deploys, unpacked by another implementation (python's zipfile)
    const dir = mkdtempSync(join(tmpdir(), 'probe-zip-'));
    const archive = join(dir, 'probe.zip');
    writeFileSync(archive, probeCodeZip());
    execFileSync('python3', ['-c', `import zipfile; zipfile.ZipFile("${archive}").extractall("${dir}")`]);
    // WHEN its handler runs in a fresh Node process against a loopback server
    const { server, base } = await startServer();
    try {
      const event: ProbeEvent = { url: `${base}/status/204`, timeoutSeconds: 2, expectedStatuses: [204] };
      const script = `require(${JSON.stringify(join(dir, PROBE_FILE_NAME))}).handler(${JSON.stringify(event)}).then((r) => process.stdout.write(JSON.stringify(r)))`;
      const output = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['-e', script], (error, stdout) => (error ? reject(error) : resolve(stdout)));
      });
      // THEN it answers a ProbeResult
      const result = JSON.parse(output) as ProbeResult;
      expect(result).toMatchObject({ url: event.url, ok: true, statusCode: 204 });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
