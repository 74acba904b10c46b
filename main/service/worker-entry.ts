/**
 * Runs the engine service inside a worker_threads Worker (Electron main and `wirelens serve` both host it).
 *
 * workerData: { root: string | null, allowPaths: boolean, downloads: boolean, spoolDir?: string }.
 *
 * parentPort protocol:
 *  - host → worker: a client message (JSON text or the parsed object) → handled by the Connection; answers
 *    and events come back as ServerMessage objects (structured clone; the host serialises for WebSocket).
 *  - host → worker side channel (not part of the UI contract, never forwarded from a client):
 *      { kind: 'download', token }  → { kind: 'download', token, path: string | null, name: string | null }
 *        (one-time: the token is forgotten; the host streams the file and may delete it)
 *      { kind: 'shutdown' }         → stops a running capture, closes the file, then { kind: 'shutdown-done' }
 *        and the worker lets its event loop end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ServerMessage } from '../../shared/contract';
import { sharedRules } from '../engine/classify/load-rules';
import { defaultColorRules } from './colors';
import { Connection } from './connection';
import { takeDownload } from './downloads';
import { EngineService, ServiceOptions } from './engine-service';

export type WorkerSideMessage = { kind: 'download'; token: string } | { kind: 'shutdown' };
export type WorkerSideReply =
  | { kind: 'download'; token: string; path: string | null; name: string | null }
  | { kind: 'shutdown-done' };

function options(data: unknown): ServiceOptions {
  const o = (data !== null && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  return {
    root: typeof o['root'] === 'string' ? o['root'] : null,
    allowPaths: o['allowPaths'] === true,
    downloads: o['downloads'] === true,
    spoolDir: typeof o['spoolDir'] === 'string' ? o['spoolDir'] : undefined,
  };
}

function sideMessage(m: unknown): WorkerSideMessage | null {
  if (m === null || typeof m !== 'object') return null;
  const o = m as Record<string, unknown>;
  if (o['kind'] === 'download' && typeof o['token'] === 'string') return { kind: 'download', token: o['token'] };
  if (o['kind'] === 'shutdown') return { kind: 'shutdown' };
  return null;
}

if (parentPort) {
  const port = parentPort;
  // Last resort: handlers and slices catch their own errors; anything that still escapes is logged and the
  // worker keeps serving instead of taking the open capture down with it.
  process.on('uncaughtException', (err) => {
    process.stderr.write(`wirelens engine worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  });
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`wirelens engine worker: unhandled rejection: ${err instanceof Error ? err.message : String(err)}\n`);
  });
  const service = new EngineService(options(workerData));
  const connection = new Connection(service, (m: ServerMessage) => port.postMessage(m));
  port.on('message', (raw: unknown) => {
    const side = sideMessage(raw);
    if (side === null) return connection.receive(raw);
    if (side.kind === 'download') {
      const d = takeDownload(side.token);
      const reply: WorkerSideReply = { kind: 'download', token: side.token, path: d?.path ?? null, name: d?.name ?? null };
      port.postMessage(reply);
      return;
    }
    connection.close();
    void service.dispose().finally(() => {
      const reply: WorkerSideReply = { kind: 'shutdown-done' };
      port.postMessage(reply);
      port.close();
    });
  });
  service.start();
  // While the page loads and the user picks a file, compile what the first Open and the first rows need (the
  // application rules, the colouring rules' filters): some 40 ms that would otherwise delay the first screenful.
  setImmediate(() => {
    try {
      sharedRules();
      defaultColorRules();
    } catch {
      // A broken rules file is reported by the request that needs it.
    }
  });
}
