/**
 * The engine side of the logs worker: one worker per open capture, started on the first logs request and
 * stopped when that capture is closed or replaced. Requests are answered in order by the worker; a request
 * cancelled meanwhile is answered and dropped.
 *
 * Without the compiled worker next to this file (tests run the TypeScript sources) the same LogStore runs
 * in-process over the open capture's own index.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LogKind, LogRowsResult } from '../../../shared/views/logs';
import type { CaptureSession } from '../capture-session';
import { cancelled, ServiceError } from '../errors';
import { LogStore, LogStoreError } from './logs-store';

interface QueryParams {
  kind: LogKind;
  search: string;
  filter: string;
  sort?: { column: string; desc: boolean } | undefined;
}

export type LogsWorkerRequest =
  | { id: number; op: 'rows'; growing: boolean; params: QueryParams & { start: number; count: number } }
  | { id: number; op: 'export'; growing: boolean; params: QueryParams & { format: 'csv' | 'jsonl'; out: string } };

export type LogsWorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; code: 'invalid' | 'failed'; message: string };

type Op = LogsWorkerRequest extends infer R ? (R extends { op: infer O; params: infer P } ? { op: O; params: P } : never) : never;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

const WORKER_JS = path.join(__dirname, 'logs-worker.js');

export class LogHost {
  private worker: Worker | null = null;
  private local: LogStore | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: string | null = null;

  constructor(readonly session: CaptureSession) {
    if (fs.existsSync(WORKER_JS)) {
      const w = new Worker(WORKER_JS, { workerData: { path: session.path, follow: session.live } });
      w.unref();
      w.on('message', (m: LogsWorkerReply) => this.reply(m));
      w.on('error', (err) => this.fail(`logs worker: ${err.message}`));
      w.on('exit', (code) => this.fail(`logs worker exited (${code})`));
      this.worker = w;
    } else {
      this.local = new LogStore({ index: session.index, refresh: () => undefined });
    }
  }

  rows(params: QueryParams & { start: number; count: number }, signal: AbortSignal): Promise<LogRowsResult> {
    return this.call({ op: 'rows', params }, signal) as Promise<LogRowsResult>;
  }

  export(params: QueryParams & { format: 'csv' | 'jsonl'; out: string }, signal: AbortSignal): Promise<number> {
    return (this.call({ op: 'export', params }, signal) as Promise<{ written: number }>).then((r) => r.written);
  }

  close(): void {
    const w = this.worker;
    this.worker = null;
    this.fail('the capture was closed');
    if (w !== null) void w.terminate();
  }

  private growing(): boolean {
    return this.session.indexing || this.session.live;
  }

  private call(req: Op, signal: AbortSignal): Promise<unknown> {
    if (this.dead !== null) return Promise.reject(new ServiceError('failed', this.dead));
    if (this.local !== null) {
      const store = this.local;
      try {
        const q = { kind: req.params.kind, search: req.params.search, filter: req.params.filter, sort: req.params.sort };
        if (req.op === 'rows') return Promise.resolve(store.rows(q, req.params.start, req.params.count, this.growing()));
        return Promise.resolve({ written: store.export(q, req.params.format, req.params.out) });
      } catch (err) {
        return Promise.reject(err instanceof LogStoreError ? new ServiceError(err.code, err.message) : err);
      }
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        // The worker still answers; the answer is dropped.
        this.pending.delete(id);
        reject(cancelled());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        reject: (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      (this.worker as Worker).postMessage({ id, growing: this.growing(), ...req } as LogsWorkerRequest);
    });
  }

  private reply(m: LogsWorkerReply): void {
    const p = this.pending.get(m.id);
    if (p === undefined) return;
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new ServiceError(m.code, m.message));
  }

  private fail(reason: string): void {
    this.dead ??= reason;
    for (const p of this.pending.values()) p.reject(new ServiceError('failed', reason));
    this.pending.clear();
  }
}
