/**
 * The compiled worker entry inside a real worker thread, as Electron main and `wirelens serve` host it:
 * open → status events → rows, a malformed message, and the download side channel. Needs `npm run build`.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Results, ServerMessage, Status } from '../../shared/contract';

const ENTRY = path.join(__dirname, '../../dist/main/service/worker-entry.js');
const HTTP = path.join(__dirname, '../fixtures/captures/http-pipelined__zeek__pipelined-requests.pcap');
const built = fs.existsSync(ENTRY);
if (!built) console.log(`skipping the worker test: ${ENTRY} is missing (run npm run build first)`);

type Reply = ServerMessage | { kind: 'download'; token: string; path: string | null; name: string | null } | { kind: 'shutdown-done' };

describe.skipIf(!built)('worker entry in a real Worker', () => {
  it('opens a capture and answers rows; malformed input gets an error; downloads are one-time', async () => {
    const worker = new Worker(ENTRY, { workerData: { root: null, allowPaths: false, downloads: true } });
    const replies: Reply[] = [];
    const waiters: { match: (m: Reply) => boolean; resolve: (m: Reply) => void }[] = [];
    worker.on('message', (m: Reply) => {
      replies.push(m);
      const k = waiters.findIndex((w) => w.match(m));
      if (k >= 0) waiters.splice(k, 1)[0]!.resolve(m);
    });
    const next = (match: (m: Reply) => boolean): Promise<Reply> => {
      const seen = replies.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    };
    const call = async <T,>(id: number, method: string, params: unknown, asText = false): Promise<T> => {
      const msg = { kind: 'request', id, method, params };
      worker.postMessage(asText ? JSON.stringify(msg) : msg);
      const r = await next((m) => m.kind === 'response' && m.id === id);
      if (r.kind !== 'response' || !r.ok) throw new Error(`${method} failed: ${JSON.stringify(r)}`);
      return r.result as T;
    };
    try {
      const opened = await call<Status>(1, 'capture.open', { path: HTTP }, true);
      expect(opened.path).toBe(fs.realpathSync(HTTP));
      await next((m) => m.kind === 'event' && m.event === 'status' && !(m.data as Status).indexing);
      const rows = await call<Results['packets.rows']>(2, 'packets.rows', { start: 0, count: 5 });
      expect(rows.rows.map((r) => r.number)).toEqual([1, 2, 3, 4, 5]);
      expect(rows.rows[0]!.proto).toBe('TCP');

      worker.postMessage('{not json');
      const bad = await next((m) => m.kind === 'response' && m.id === -1);
      expect(bad.kind === 'response' && !bad.ok ? bad.error.code : null).toBe('invalid');

      const exported = await call<Results['export.packets']>(3, 'export.packets', { scope: 'all', format: 'pcap' });
      const token = (exported.downloadUrl ?? '').replace('/download/', '');
      worker.postMessage({ kind: 'download', token });
      const dl = await next((m) => m.kind === 'download' && m.token === token);
      expect(dl.kind === 'download' && dl.path !== null && fs.existsSync(dl.path)).toBe(true);
      replies.length = 0;
      worker.postMessage({ kind: 'download', token });
      const again = await next((m) => m.kind === 'download' && m.token === token);
      expect(again.kind === 'download' ? again.path : 'x').toBeNull();

      worker.postMessage({ kind: 'shutdown' });
      await next((m) => m.kind === 'shutdown-done');
    } finally {
      await worker.terminate();
    }
  });
});
