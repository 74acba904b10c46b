/**
 * `wirelens serve`: the browser UI. One node:http server serves the built renderer (dist/renderer) and, at /ws,
 * a WebSocket per browser tab, each with its own engine worker (EngineHost). Everything, the WebSocket included,
 * needs the token printed at start: the server listens on loopback, but any local process or web page could
 * otherwise reach it, and the engine reads files.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { MAX_MESSAGE_BYTES, type ServerMessage } from '../../shared/contract';
import { EngineHost, NO_ID, failure } from '../host/engine-host';
import { defaultRendererDir } from '../host/paths';
import {
  contentDisposition,
  hostAllowed,
  mimeType,
  newToken,
  originAllowed,
  requestSegments,
  securityHeaders,
  tokenMatches,
  tokenProblem,
  urlHost,
} from './security';

export interface ServeOptions {
  /** Interface to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 (the default) picks any free port. */
  port?: number;
  /** Fixed token (--token); a fresh random one otherwise. */
  token?: string;
  /** Files the browser may open, list and export to must lie under this directory. */
  root?: string | null;
  /** A capture each new connection's engine opens first (npm start's sample, `serve --open`). */
  open?: string | null;
  rendererDir?: string;
  workerPath?: string;
  /**
   * Where live captures spool (default <tmp>/wirelens-spool). Tests give a temporary directory so that they
   * never leave unsaved spools for the user's next start to offer.
   */
  spoolDir?: string;
  /** At most this many simultaneous WebSocket clients (each costs a worker thread). */
  maxClients?: number;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  token: string;
  close(): Promise<void>;
}

const COOKIE_PREFIX = 'wirelens_token_';

export async function startServer(opts: ServeOptions = {}): Promise<RunningServer> {
  const bindHost = opts.host ?? '127.0.0.1';
  const token = opts.token ?? newToken();
  const problem = tokenProblem(token);
  if (problem) throw new Error(problem);
  const rendererDir = path.resolve(opts.rendererDir ?? defaultRendererDir());
  const root = opts.root ? fs.realpathSync(path.resolve(opts.root)) : null;
  const open = opts.open ? path.resolve(opts.open) : null;
  const spoolDir = opts.spoolDir ? path.resolve(opts.spoolDir) : undefined;
  const maxClients = opts.maxClients ?? 16;
  const log = opts.log ?? ((line: string) => process.stderr.write(`wirelens serve: ${line}\n`));
  const hosts = new Set<EngineHost>();
  let port = 0;

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });

  /** The token from the query, an Authorization: Bearer header, or the cookie set when the page was loaded. */
  const authorized = (req: http.IncomingMessage, query: URLSearchParams): 'ok' | 'missing' | 'wrong' => {
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null;
    const cookie = cookieValue(req.headers.cookie, `${COOKIE_PREFIX}${port}`);
    const candidates = [query.get('token'), bearer, cookie].filter((c): c is string => typeof c === 'string' && c !== '');
    if (candidates.length === 0) return 'missing';
    return candidates.some((c) => tokenMatches(c, token)) ? 'ok' : 'wrong';
  };

  const server = http.createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      log(`request failed: ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  });

  const headersFor = (req: http.IncomingMessage): Record<string, string> =>
    securityHeaders(hostAllowed(req.headers.host, bindHost, port) ? (req.headers.host ?? null) : null);

  const send = (res: http.ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, {
      ...headersFor(res.req),
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      ...extra,
    });
    res.end(`${text}\n`);
  };

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q >= 0 ? url.slice(0, q) : url;
    const query = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
    if (!hostAllowed(req.headers.host, bindHost, port)) return send(res, 403, 'forbidden: unexpected Host header');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    // Browsers ask for it on their own, without the token; answering keeps the log clean and reveals nothing.
    if (rawPath === '/favicon.ico') return send(res, 204, '');
    const auth = authorized(req, query);
    if (auth !== 'ok') {
      return send(res, 401, auth === 'missing' ? 'unauthorized: open the URL with ?token=… printed by wirelens serve' : 'unauthorized: wrong token', {
        'WWW-Authenticate': 'Bearer realm="wirelens"',
      });
    }
    const cookie: Record<string, string> = {};
    if (query.get('token')) {
      // The page's own asset requests (<script src>, CSS, downloads via <a href>) cannot carry the query token;
      // an HttpOnly SameSite=Strict cookie named per port lets them through and is never sent cross-site.
      cookie['Set-Cookie'] = `${COOKIE_PREFIX}${port}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    if (rawPath === '/ws') return send(res, 426, 'upgrade required', { Upgrade: 'websocket' });
    if (rawPath.startsWith('/download/')) return serveDownload(req, res, decodeURIComponentSafe(rawPath.slice('/download/'.length)));
    const check = requestSegments(rawPath);
    if (!check.ok) return send(res, check.status, check.status === 404 ? 'not found' : `bad request: ${check.reason}`);
    const segments = check.segments.length === 0 ? ['index.html'] : check.segments;
    await serveStatic(req, res, segments, cookie);
  }

  async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, segments: string[], extra: Record<string, string>): Promise<void> {
    const file = path.join(rendererDir, ...segments);
    let real: string;
    let realDir: string;
    try {
      realDir = await fs.promises.realpath(rendererDir);
      real = await fs.promises.realpath(file);
    } catch {
      if (segments.length === 1 && segments[0] === 'index.html') {
        return send(res, 503, `the browser UI is not built (${rendererDir} has no index.html): run npm run build:renderer`);
      }
      return send(res, 404, 'not found');
    }
    // The segments cannot climb, but a symlink inside the build could still point outside it.
    if (real !== realDir && !real.startsWith(realDir + path.sep)) return send(res, 404, 'not found');
    const stat = await fs.promises.stat(real);
    if (!stat.isFile()) return send(res, 404, 'not found'); // no directory listings
    const html = real.endsWith('.html');
    res.writeHead(200, {
      ...headersFor(req),
      ...extra,
      'Content-Type': mimeType(real),
      'Content-Length': String(stat.size),
      // index.html is fetched with the token in its URL: keep it out of caches. Vite's assets are content-hashed.
      'Cache-Control': html ? 'no-store' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    await pipeFile(real, res);
  }

  async function serveDownload(req: http.IncomingMessage, res: http.ServerResponse, dlToken: string | null): Promise<void> {
    if (!dlToken || !/^[A-Za-z0-9_-]{1,128}$/.test(dlToken)) return send(res, 404, 'no such download');
    // The token belongs to whichever connection exported; ask every engine (tokens are random, at most one knows it).
    const answers = await Promise.all([...hosts].map((h) => h.download(dlToken)));
    const file = answers.find((a) => a !== null);
    if (!file) return send(res, 404, 'no such download (each download URL works once)');
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file.path);
    } catch {
      return send(res, 404, 'the exported file is gone');
    }
    res.writeHead(200, {
      ...headersFor(req),
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(stat.size),
      'Content-Disposition': contentDisposition(file.name),
      'Cache-Control': 'no-store',
    });
    if (req.method !== 'HEAD') await pipeFile(file.path, res);
    else res.end();
    // One-time: the temp copy is not needed any more (the worker already forgot the token).
    await removeDownload(file.path);
  }

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q >= 0 ? url.slice(0, q) : url;
    const query = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    };
    if (rawPath !== '/ws') return refuse(404, 'Not Found');
    if (!hostAllowed(req.headers.host, bindHost, port)) return refuse(403, 'Forbidden');
    // Browsers always send Origin on WebSocket upgrades; a page from any other origin (or a missing Origin)
    // is refused even with the right token.
    if (!originAllowed(req.headers.origin, req.headers.host, bindHost, port)) return refuse(403, 'Forbidden');
    const auth = authorized(req, query);
    if (auth !== 'ok') return refuse(401, 'Unauthorized');
    if (hosts.size >= maxClients) return refuse(503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws));
  });

  function connect(ws: WebSocket): void {
    const host = new EngineHost({
      workerData: { root, allowPaths: root !== null, downloads: true, ...(spoolDir ? { spoolDir } : {}) },
      workerPath: opts.workerPath,
      send: (message: ServerMessage) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
      },
      log,
    });
    hosts.add(host);
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(failure(NO_ID, 'invalid', 'binary messages are not accepted')));
        return;
      }
      host.handleClientMessage(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));
    });
    ws.on('error', (err) => log(`websocket error: ${err.message}`));
    ws.on('close', () => {
      hosts.delete(host);
      void host.close();
    });
    if (open) {
      void host.request('capture.open', { path: open }).then((r) => {
        if (!r.ok) log(`could not open ${open}: ${r.error.message}`);
      });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  server.on('error', (err) => log(`server error: ${err.message}`));
  // A wildcard bind is reachable locally on 127.0.0.1; print that rather than an address no browser can open.
  const shownHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : urlHost(bindHost);

  let closing: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    host: bindHost,
    token,
    close() {
      closing ??= (async () => {
        for (const ws of wss.clients) ws.terminate();
        await Promise.all([...hosts].map((h) => h.close()));
        hosts.clear();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}

function pipeFile(file: string, res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const stream = fs.createReadStream(file);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}

async function removeDownload(file: string): Promise<void> {
  await fs.promises.rm(file, { force: true }).catch(() => undefined);
  const dir = path.dirname(file);
  // Only the private per-download directory the service made; never anything else.
  if (/^wirelens-dl-/.test(path.basename(dir))) await fs.promises.rmdir(dir).catch(() => undefined);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function decodeURIComponentSafe(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
