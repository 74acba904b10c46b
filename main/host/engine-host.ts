/**
 * One engine worker per client (per WebSocket, per BrowserWindow): the host validates the client's messages,
 * relays them to a worker_threads Worker running main/service/worker-entry.js, relays responses and events back,
 * and restarts the worker when it dies. Transport-independent: the caller supplies `send` (ws.send, webContents.send).
 *
 * Request ids are remapped: the worker sees ids the host allocates, so requests the host issues itself (the
 * Electron menu's Open…, serve --open, the status refresh after a restart) never collide with the client's ids,
 * and their responses are not forwarded to a client that did not ask.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import {
  type ErrorCode,
  MAX_MESSAGE_BYTES,
  type Method,
  type Params,
  type ServerMessage,
  type ValidRequest,
  validateClientMessage,
} from '../../shared/contract';
import { defaultWorkerPath } from './paths';

export interface WorkerConfig {
  /** Directory that capture.open / files.list / export paths must stay within (serve --root); null = no limit. */
  root: string | null;
  /** Whether `path` on export.packets / live.save is honoured (Electron; serve with --root). */
  allowPaths: boolean;
  /** Whether exports without a path produce one-time download URLs (serve mode). */
  downloads: boolean;
  /** Where live captures spool (the service picks a default when absent). */
  spoolDir?: string;
}

export type ResponseMessage = Extract<ServerMessage, { kind: 'response' }>;
export type ValidClientMessage = ValidRequest | { kind: 'cancel'; id: number };

export interface EngineHostOptions {
  workerData: WorkerConfig;
  /** Delivers one engine → client message. */
  send: (message: ServerMessage) => void;
  workerPath?: string;
  /** Restarts allowed within `restartWindowMs` before the host gives up (a file that crashes the engine every time). */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** Called for every completed request, the client's and the host's own (Electron: the recent-files list). */
  onResponse?: (request: ValidRequest, response: ResponseMessage) => void;
  log?: (line: string) => void;
}

/** Id used in error responses to messages that carried no usable id (unparseable JSON, missing id). */
export const NO_ID = -1;

type Pending =
  | { origin: 'client'; clientId: number; request: ValidRequest }
  | { origin: 'host'; request: ValidRequest; resolve: (response: ResponseMessage) => void };

/** What the worker posts back besides contract messages (main/service/worker-entry.ts's side channel). */
interface DownloadAnswer {
  kind: 'download';
  token: string;
  path: string | null;
  name?: string | null;
}

export interface DownloadFile {
  path: string;
  name: string;
}

export class EngineHost {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  /** The client's id → the worker id of its latest request with that id (for cancel). */
  private readonly clientIds = new Map<number, number>();
  private readonly downloads = new Map<string, ((file: DownloadFile | null) => void)[]>();
  private nextWorkerId = 1;
  private restarts: number[] = [];
  private closed = false;
  /** Why the engine cannot be used any more (missing build, too many crashes); null while healthy. */
  private unavailable: string | null = null;
  private readonly workerPath: string;
  private readonly maxRestarts: number;
  private readonly restartWindowMs: number;

  constructor(private readonly opts: EngineHostOptions) {
    this.workerPath = opts.workerPath ?? defaultWorkerPath();
    this.maxRestarts = opts.maxRestarts ?? 5;
    this.restartWindowMs = opts.restartWindowMs ?? 60_000;
    if (!existsSync(this.workerPath)) {
      this.unavailable = `the engine is not built (${this.workerPath} is missing): run npm run build`;
      this.log(this.unavailable);
    } else {
      this.spawn();
    }
  }

  /** Handles one raw client message: a JSON string (WebSocket) or an already-decoded value (IPC). */
  handleClientMessage(raw: unknown): void {
    let value: unknown = raw;
    if (typeof raw === 'string' || Buffer.isBuffer(raw)) {
      const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
      if (size > MAX_MESSAGE_BYTES) return this.reply(NO_ID, 'invalid', `message too large (${size} bytes)`);
      try {
        value = JSON.parse(raw.toString());
      } catch (err) {
        return this.reply(NO_ID, 'invalid', `malformed message: not JSON (${(err as Error).message})`);
      }
    }
    const checked = validateClientMessage(value);
    if (!checked.ok) return this.reply(checked.id ?? NO_ID, 'invalid', checked.error);
    this.post(checked.message);
  }

  /** Relays an already-validated client message (callers that validated themselves: Electron main). */
  post(message: ValidClientMessage): void {
    if (this.closed) return;
    if (message.kind === 'cancel') {
      const workerId = this.clientIds.get(message.id);
      if (workerId !== undefined && this.worker) this.worker.postMessage({ kind: 'cancel', id: workerId });
      return;
    }
    if (this.unavailable) return this.reply(message.id, 'unavailable', this.unavailable);
    const workerId = this.nextWorkerId++;
    this.pending.set(workerId, { origin: 'client', clientId: message.id, request: message });
    this.clientIds.set(message.id, workerId);
    this.worker?.postMessage({ ...message, id: workerId });
  }

  /** Issues a request on the host's own behalf; its response is returned, not forwarded to the client. */
  request<M extends Method>(method: M, params: Params<M>): Promise<ResponseMessage> {
    const checked = validateClientMessage({ kind: 'request', id: 0, method, params });
    if (!checked.ok) return Promise.resolve(failure(NO_ID, 'invalid', checked.error));
    if (checked.message.kind !== 'request') return Promise.resolve(failure(NO_ID, 'invalid', 'not a request'));
    if (this.closed) return Promise.resolve(failure(NO_ID, 'cancelled', 'the engine host is closed'));
    if (this.unavailable) return Promise.resolve(failure(NO_ID, 'unavailable', this.unavailable));
    const request = checked.message;
    return new Promise((resolve) => {
      const workerId = this.nextWorkerId++;
      this.pending.set(workerId, { origin: 'host', request, resolve });
      this.worker?.postMessage({ ...request, id: workerId });
    });
  }

  /** Asks the worker which file a one-time download token stands for; null when it does not know the token. */
  download(token: string): Promise<DownloadFile | null> {
    if (!this.worker || this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiting = this.downloads.get(token);
      if (waiting) waiting.push(resolve);
      else {
        this.downloads.set(token, [resolve]);
        this.worker?.postMessage({ kind: 'download', token });
      }
    });
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Stops the worker: asks it to shut down cleanly first (a live capture is stopped and its spool closed), then
   * terminates it whatever happened. Requests still pending are answered 'cancelled' (the client is usually gone).
   */
  async close(shutdownTimeoutMs = 2000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    this.failAll('cancelled', 'the engine host was closed');
    if (!worker) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, shutdownTimeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        resolve();
      };
      worker.on('message', (m: unknown) => {
        if (m !== null && typeof m === 'object' && (m as { kind?: unknown }).kind === 'shutdown-done') finish();
      });
      worker.once('exit', finish);
      worker.postMessage({ kind: 'shutdown' });
    });
    await worker.terminate();
  }

  // -------------------------------------------------------------------------------------------------------

  private spawn(): void {
    const worker = new Worker(this.workerPath, { workerData: this.opts.workerData });
    this.worker = worker;
    worker.on('message', (message: unknown) => {
      if (this.worker === worker) this.fromWorker(message);
    });
    worker.on('error', (err) => this.log(`engine worker error: ${err.stack ?? err.message}`));
    worker.on('exit', (code) => {
      if (this.worker !== worker || this.closed) return;
      this.worker = null;
      this.crashed(`the engine stopped unexpectedly (exit code ${code})`);
    });
  }

  private crashed(reason: string): void {
    this.log(reason);
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < this.restartWindowMs);
    const giveUp = this.restarts.length >= this.maxRestarts;
    if (giveUp) {
      this.unavailable = `${reason}; it crashed ${this.restarts.length + 1} times within ${this.restartWindowMs / 1000} s and was not restarted`;
      this.failAll('unavailable', this.unavailable);
      return;
    }
    this.restarts.push(now);
    // Fail first, then restart: the pending requests belonged to the dead worker and will never be answered.
    this.failAll('failed', `${reason}; it was restarted and the capture has to be opened again`);
    this.spawn();
    // The fresh engine has no capture: push its status so the UI stops showing the old one.
    void this.request('capture.status', {}).then((response) => {
      if (response.ok) this.opts.send({ kind: 'event', event: 'status', data: response.result });
    });
  }

  private failAll(code: ErrorCode, message: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.clientIds.clear();
    for (const p of pending) {
      if (p.origin === 'client') this.reply(p.clientId, code, message);
      else p.resolve(failure(NO_ID, code, message));
    }
    for (const waiting of this.downloads.values()) for (const resolve of waiting) resolve(null);
    this.downloads.clear();
  }

  private fromWorker(message: unknown): void {
    if (message === null || typeof message !== 'object' || !('kind' in message)) {
      return this.log(`engine worker sent a message without a kind: ${String(message)}`);
    }
    const kind = (message as { kind: unknown }).kind;
    if (kind === 'download') return this.downloadAnswered(message as DownloadAnswer);
    if (kind === 'shutdown-done') return;
    if (kind === 'event') return this.opts.send(message as ServerMessage);
    if (kind !== 'response') return this.log(`engine worker sent an unknown message kind "${String(kind)}"`);
    const response = message as ResponseMessage;
    const pending = this.pending.get(response.id);
    if (!pending) return this.log(`engine worker answered unknown request ${response.id}`);
    this.pending.delete(response.id);
    if (pending.origin === 'host') {
      pending.resolve(response);
    } else {
      if (this.clientIds.get(pending.clientId) === response.id) this.clientIds.delete(pending.clientId);
      this.opts.send({ ...response, id: pending.clientId });
    }
    try {
      this.opts.onResponse?.(pending.request, response);
    } catch (err) {
      this.log(`onResponse hook failed: ${(err as Error).message}`);
    }
  }

  private downloadAnswered(answer: DownloadAnswer): void {
    const waiting = this.downloads.get(answer.token);
    if (!waiting) return;
    this.downloads.delete(answer.token);
    const file =
      typeof answer.path === 'string' && answer.path
        ? { path: answer.path, name: typeof answer.name === 'string' && answer.name ? answer.name : 'export.pcapng' }
        : null;
    for (const resolve of waiting) resolve(file);
  }

  private reply(id: number, code: ErrorCode, message: string): void {
    if (!this.closed) this.opts.send(failure(id, code, message));
  }

  private log(line: string): void {
    (this.opts.log ?? ((l: string) => process.stderr.write(`wirelens: ${l}\n`)))(line);
  }
}

export function failure(id: number, code: ErrorCode, message: string): ResponseMessage {
  return { kind: 'response', id, ok: false, error: { code, message } };
}
