import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../shared/contract';
import { type RunningServer, startServer } from '../../main/serve/server';
import { contentDisposition, requestSegments, tokenMatches, hostAllowed, originAllowed, isLoopback } from '../../main/serve/security';

const STAND_IN = join(__dirname, 'helpers', 'stand-in-worker.js');
const REAL_WORKER = join(__dirname, '..', '..', 'dist', 'main', 'service', 'worker-entry.js');
const TOKEN = 'test-token-0123456789abcdef';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw HTTP: fetch() would normalise '/../' away before the server could refuse it. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket; resolves with the client, or with the HTTP status the upgrade was refused with. */
function connect(port: number, query: string, origin: string | null): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, origin ? { headers: { Origin: origin } } : {});
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('error', reject);
  });
}

/** A client that queues what it receives so tests can wait for a particular message. */
class Client {
  private readonly got: ServerMessage[] = [];
  private readonly waiters: (() => void)[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.got.push(JSON.parse(data.toString()) as ServerMessage);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }
  async next(match: (m: ServerMessage) => boolean, timeoutMs = 15_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.got.findIndex(match);
      if (i >= 0) return this.got.splice(i, 1)[0] as ServerMessage;
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.got).slice(0, 500)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }
  response(id: number): Promise<ServerMessage> {
    return this.next((m) => m.kind === 'response' && m.id === id);
  }
}

async function openClient(server: RunningServer): Promise<Client> {
  const r = await connect(server.port, `?token=${server.token}`, `http://127.0.0.1:${server.port}`);
  if (!('ws' in r)) throw new Error(`refused with ${r.status}`);
  return new Client(r.ws);
}

let dir: string;
let rendererDir: string;
let server: RunningServer;
const clients: WebSocket[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wirelens-serve-test-'));
  rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  mkdirSync(join(rendererDir, 'empty-dir'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Wirelens</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
  writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(rendererDir, '.secret'), 'hidden');
  writeFileSync(join(dir, 'outside.txt'), 'outside the renderer');
  symlinkSync(join(dir, 'outside.txt'), join(rendererDir, 'assets', 'link.txt'));
  server = await startServer({ port: 0, token: TOKEN, rendererDir, workerPath: STAND_IN, log: () => {} });
});

afterAll(async () => {
  for (const ws of clients) ws.terminate();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('wirelens serve: HTTP', () => {
  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
    expect(server.host).toBe('127.0.0.1');
  });

  it('refuses requests without the right token', async () => {
    expect((await get(server.port, '/')).status).toBe(401);
    expect((await get(server.port, '/?token=wrong-token-0123456789')).status).toBe(401);
    expect((await get(server.port, '/assets/app.js')).status).toBe(401);
    expect((await get(server.port, '/', { Authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('serves index.html with the token (query, bearer header or the cookie it sets) and strict headers', async () => {
    const page = await get(server.port, `/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>Wirelens</title>');
    const csp = String(page.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      `connect-src 'self' ws://127.0.0.1:${server.port}`,
      "img-src 'self' data:",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('no-store');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');

    const bearer = await get(server.port, '/assets/app.js', { Authorization: `Bearer ${TOKEN}` });
    expect(bearer.status).toBe(200);
    expect(bearer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const viaCookie = await get(server.port, '/assets/app.css', { Cookie: String(cookie).split(';')[0] as string });
    expect(viaCookie.status).toBe(200);
    expect(viaCookie.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('never leaves the renderer directory and lists no directories', async () => {
    const q = `?token=${TOKEN}`;
    for (const path of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/%2e%2e/%2e%2e/outside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/assets/..%5c..%5coutside.txt',
      '/%2E%2E/outside.txt',
      '/..',
    ]) {
      const r = await get(server.port, path + q);
      expect([400, 403, 404], `${path} → ${r.status}`).toContain(r.status);
      expect(r.body).not.toContain('root:');
      expect(r.body).not.toContain('outside the renderer');
    }
    expect((await get(server.port, `/assets/link.txt${q}`)).status).toBe(404); // symlink out of the build
    expect((await get(server.port, `/assets/${q}`)).status).toBe(404);
    expect((await get(server.port, `/empty-dir${q}`)).status).toBe(404);
    expect((await get(server.port, `/.secret${q}`)).status).toBe(404);
    expect((await get(server.port, `/missing.js${q}`)).status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await get(server.port, `/?token=${TOKEN}`, { Host: `evil.example:${server.port}` });
    expect(r.status).toBe(403);
  });
});

describe('wirelens serve: WebSocket', () => {
  const origin = () => `http://127.0.0.1:${server.port}`;

  it('refuses the upgrade without the token, with a wrong token, or from another origin', async () => {
    expect(await connect(server.port, '', origin())).toEqual({ status: 401 });
    expect(await connect(server.port, '?token=wrong-token-0123456789', origin())).toEqual({ status: 401 });
    expect(await connect(server.port, `?token=${TOKEN}`, 'http://evil.example')).toEqual({ status: 403 });
    expect(await connect(server.port, `?token=${TOKEN}`, `http://localhost:${server.port + 1}`)).toEqual({ status: 403 });
    expect(await connect(server.port, `?token=${TOKEN}`, null)).toEqual({ status: 403 });
  });

  it('answers a capture.status request; a malformed message gets an error and the next one still works', async () => {
    const c = await openClient(server);
    clients.push(c.ws);
    c.send({ kind: 'request', id: 1, method: 'capture.status', params: {} });
    expect(await c.response(1)).toMatchObject({ kind: 'response', id: 1, ok: true });
    c.send('{"kind": "request", "id": 2, "method": ');
    expect(await c.response(-1)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    c.send({ kind: 'request', id: 3, method: 'packets.rows', params: { start: 0, count: 1_000_000 } });
    expect(await c.response(3)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await c.response(-1)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    c.send({ kind: 'request', id: 4, method: 'capture.status', params: {} });
    expect(await c.response(4)).toMatchObject({ ok: true });
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('serves two clients at once, each with its own engine', async () => {
    const a = await openClient(server);
    const b = await openClient(server);
    clients.push(a.ws, b.ws);
    a.send({ kind: 'request', id: 1, method: 'capture.open', params: { path: '/a.pcapng' } });
    b.send({ kind: 'request', id: 1, method: 'capture.status', params: {} });
    expect(await a.response(1)).toMatchObject({ ok: true, result: { path: '/a.pcapng' } });
    expect(await b.response(1)).toMatchObject({ ok: true, result: { path: null } });
    a.ws.close();
    b.send({ kind: 'request', id: 2, method: 'capture.status', params: {} });
    expect(await b.response(2)).toMatchObject({ ok: true });
  });

  it('streams an export once at /download/<token> as an attachment', async () => {
    const c = await openClient(server);
    clients.push(c.ws);
    c.send({ kind: 'request', id: 1, method: 'export.packets', params: { scope: 'all', format: 'pcapng' } });
    const r = await c.response(1);
    if (r.kind !== 'response' || !r.ok) throw new Error('export failed');
    const url = (r.result as { downloadUrl: string }).downloadUrl;
    expect((await get(server.port, url)).status).toBe(401);
    const d = await get(server.port, `${url}?token=${TOKEN}`);
    expect(d.status).toBe(200);
    expect(d.body).toBe('exported bytes');
    expect(d.headers['content-disposition']).toMatch(/^attachment; filename="export _1_.pcapng"/);
    expect((await get(server.port, `${url}?token=${TOKEN}`)).status).toBe(404);
  });
});

describe('wirelens serve: rules', () => {
  it('compares tokens exactly', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
    expect(tokenMatches(null, TOKEN)).toBe(false);
  });
  it('splits request paths safely', () => {
    expect(requestSegments('/assets/app.js')).toEqual({ ok: true, segments: ['assets', 'app.js'] });
    expect(requestSegments('/a%20b.js')).toEqual({ ok: true, segments: ['a b.js'] });
    expect(requestSegments('/%2e%2e/x').ok).toBe(false);
    expect(requestSegments('/a%2fb').ok).toBe(false);
    expect(requestSegments('/a%00b').ok).toBe(false);
    expect(requestSegments('/%E0%A4%A').ok).toBe(false);
  });
  it('knows its hosts and origins', () => {
    expect(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0') || isLoopback('192.168.1.2')).toBe(false);
    expect(hostAllowed('localhost:8080', '127.0.0.1', 8080)).toBe(true);
    expect(hostAllowed('evil.example:8080', '127.0.0.1', 8080)).toBe(false);
    expect(originAllowed('http://localhost:8080', 'localhost:8080', '127.0.0.1', 8080)).toBe(true);
    expect(originAllowed('http://127.0.0.1:8080', 'localhost:8080', '127.0.0.1', 8080)).toBe(false);
  });
  it('quotes download names', () => {
    expect(contentDisposition('a"b\\c.pcap')).toBe(`attachment; filename="a_b_c.pcap"; filename*=UTF-8''a%22b%5Cc.pcap`);
  });
});

describe('wirelens serve --root (with the real engine service)', () => {
  const haveService = existsSync(REAL_WORKER);
  if (!haveService) {
    console.log(`skipping the --root test: ${REAL_WORKER} is not built yet (main/service; run npm run build)`);
  }
  it.skipIf(!haveService)('refuses capture.open outside the root with forbidden', async () => {
    const root = join(dir, 'root');
    mkdirSync(root, { recursive: true });
    const s = await startServer({ port: 0, rendererDir, root, log: () => {} });
    try {
      const c = await openClient(s);
      c.send({ kind: 'request', id: 1, method: 'capture.open', params: { path: join(dir, 'outside.txt') } });
      expect(await c.response(1)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      c.send({ kind: 'request', id: 2, method: 'capture.open', params: { path: '../outside.txt' } });
      expect(await c.response(2)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      c.send({ kind: 'request', id: 3, method: 'capture.status', params: {} });
      expect(await c.response(3)).toMatchObject({ ok: true });
      c.ws.terminate();
    } finally {
      await s.close();
    }
  });
});

describe('wirelens serve --open (with the real engine service)', () => {
  const haveService = existsSync(REAL_WORKER);
  it.skipIf(!haveService)('opens the sample for each new client, shows rows, and downloads an export', async () => {
    const sample = join(__dirname, '..', '..', 'assets', 'sample.pcapng');
    const s = await startServer({ port: 0, rendererDir, open: sample, log: () => {} });
    try {
      const c = await openClient(s);
      await c.next((m) => m.kind === 'event' && m.event === 'status' && (m.data as { path: string | null; indexing: boolean }).path !== null && !(m.data as { indexing: boolean }).indexing);
      c.send({ kind: 'request', id: 1, method: 'packets.rows', params: { start: 0, count: 5 } });
      const rows = await c.response(1);
      expect(rows).toMatchObject({ ok: true, result: { start: 0 } });
      if (rows.kind !== 'response' || !rows.ok) throw new Error('rows failed');
      expect((rows.result as { rows: unknown[] }).rows).toHaveLength(5);
      c.send({ kind: 'request', id: 2, method: 'export.packets', params: { scope: 'all', format: 'pcapng' } });
      const ex = await c.response(2);
      if (ex.kind !== 'response' || !ex.ok) throw new Error(`export failed: ${JSON.stringify(ex)}`);
      const url = (ex.result as { downloadUrl?: string }).downloadUrl;
      expect(url).toMatch(/^\/download\//);
      const d = await get(s.port, `${url}?token=${s.token}`);
      expect(d.status).toBe(200);
      expect(d.headers['content-disposition']).toMatch(/^attachment;/);
      expect(Buffer.from(d.body, 'latin1').length).toBeGreaterThan(0);
      c.ws.terminate();
    } finally {
      await s.close();
    }
  });
});
