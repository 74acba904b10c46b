import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../shared/contract';
import { EngineHost, NO_ID } from '../../main/host/engine-host';

const STAND_IN = join(__dirname, 'helpers', 'stand-in-worker.js');
const config = { root: null, allowPaths: false, downloads: true };

/** A host on the stand-in worker that records what it sends and lets a test wait for a message. */
function harness(extra: { maxRestarts?: number } = {}) {
  const got: ServerMessage[] = [];
  const waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  const logs: string[] = [];
  const host = new EngineHost({
    workerData: config,
    workerPath: STAND_IN,
    log: (l) => logs.push(l),
    send: (m) => {
      got.push(m);
      for (const w of [...waiters]) {
        if (w.match(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    },
    ...extra,
  });
  const next = (match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> => {
    const seen = got.find(match);
    if (seen) {
      got.splice(got.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(got)}; logs ${logs.join(' | ')}`)), timeoutMs);
      waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          got.splice(got.indexOf(m), 1);
          resolve(m);
        },
      });
    });
  };
  const response = (id: number) => next((m) => m.kind === 'response' && m.id === id);
  return { host, got, logs, next, response };
}

const hosts: EngineHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

describe('EngineHost', () => {
  it('relays a request and its response with the client id (ids are remapped on the way)', async () => {
    const h = harness();
    hosts.push(h.host);
    h.host.handleClientMessage(JSON.stringify({ kind: 'request', id: 42, method: 'capture.status', params: {} }));
    const r = await h.response(42);
    expect(r).toMatchObject({ kind: 'response', id: 42, ok: true, result: { path: null } });
  });

  it('answers malformed messages itself and keeps working', async () => {
    const h = harness();
    hosts.push(h.host);
    h.host.handleClientMessage('{not json');
    expect(await h.response(NO_ID)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    h.host.handleClientMessage({ kind: 'request', id: 7, method: 'no.such', params: {} });
    expect(await h.response(7)).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringContaining('unknown method') } });
    h.host.handleClientMessage({ kind: 'request', id: 8, method: 'packets.rows', params: { start: -1, count: 1 } });
    expect(await h.response(8)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    h.host.handleClientMessage({ kind: 'request', id: 9, method: 'capture.status', params: {} });
    expect(await h.response(9)).toMatchObject({ ok: true });
  });

  it('keeps its own requests apart from the client: same ids, responses not forwarded', async () => {
    const h = harness();
    hosts.push(h.host);
    const own = h.host.request('capture.open', { path: '/some/file.pcapng' });
    h.host.handleClientMessage({ kind: 'request', id: 1, method: 'capture.status', params: {} });
    const mine = await own;
    expect(mine).toMatchObject({ ok: true, result: { path: '/some/file.pcapng' } });
    const theirs = await h.response(1);
    expect(theirs).toMatchObject({ ok: true });
    // The status event the open caused is forwarded; the host's response is not.
    await h.next((m) => m.kind === 'event' && m.event === 'status');
    expect(h.got.filter((m) => m.kind === 'response')).toEqual([]);
  });

  it('fails pending requests when the worker dies, restarts it, and the next request works', async () => {
    const h = harness();
    hosts.push(h.host);
    h.host.handleClientMessage({ kind: 'request', id: 1, method: 'capture.open', params: { path: '/hang' } });
    h.host.handleClientMessage({ kind: 'request', id: 2, method: 'capture.open', params: { path: '/crash' } });
    const r1 = await h.response(1);
    const r2 = await h.response(2);
    for (const r of [r1, r2]) {
      expect(r).toMatchObject({ kind: 'response', ok: false, error: { code: 'failed', message: expect.stringContaining('restarted') } });
    }
    // The fresh worker's status is pushed so the UI drops the old capture.
    await h.next((m) => m.kind === 'event' && m.event === 'status');
    h.host.handleClientMessage({ kind: 'request', id: 3, method: 'capture.status', params: {} });
    expect(await h.response(3)).toMatchObject({ ok: true, result: { path: null } });
    expect(h.host.pendingCount).toBe(0);
  });

  it('gives up after too many crashes and answers unavailable', async () => {
    const h = harness({ maxRestarts: 1 });
    hosts.push(h.host);
    h.host.handleClientMessage({ kind: 'request', id: 1, method: 'capture.open', params: { path: '/crash' } });
    expect(await h.response(1)).toMatchObject({ ok: false, error: { code: 'failed' } });
    h.host.handleClientMessage({ kind: 'request', id: 2, method: 'capture.open', params: { path: '/crash' } });
    expect(await h.response(2)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    h.host.handleClientMessage({ kind: 'request', id: 3, method: 'capture.status', params: {} });
    expect(await h.response(3)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('answers unavailable when the worker is not built', async () => {
    const got: ServerMessage[] = [];
    const host = new EngineHost({ workerData: config, workerPath: '/nonexistent/worker.js', send: (m) => got.push(m), log: () => {} });
    host.handleClientMessage({ kind: 'request', id: 5, method: 'capture.status', params: {} });
    expect(got).toEqual([
      { kind: 'response', id: 5, ok: false, error: { code: 'unavailable', message: expect.stringContaining('npm run build') } },
    ]);
    await host.close();
  });

  it('resolves download tokens through the worker, once', async () => {
    const h = harness();
    hosts.push(h.host);
    h.host.handleClientMessage({ kind: 'request', id: 1, method: 'export.packets', params: { scope: 'all', format: 'pcapng' } });
    const r = await h.response(1);
    if (r.kind !== 'response' || !r.ok) throw new Error('export failed');
    const token = (r.result as { downloadUrl: string }).downloadUrl.replace('/download/', '');
    expect(await h.host.download(token)).toMatchObject({ name: 'export "1".pcapng' });
    expect(await h.host.download(token)).toBeNull();
  });

  it('close() shuts the worker down and settles what is pending without sending to the gone client', async () => {
    const h = harness();
    h.host.handleClientMessage({ kind: 'request', id: 1, method: 'capture.open', params: { path: '/hang' } });
    const own = h.host.request('capture.open', { path: '/hang' });
    await new Promise((r) => setTimeout(r, 50));
    await h.host.close();
    expect(await own).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(h.host.pendingCount).toBe(0);
    h.host.handleClientMessage({ kind: 'request', id: 2, method: 'capture.status', params: {} });
    await new Promise((r) => setTimeout(r, 50));
    expect(h.got.filter((m) => m.kind === 'response')).toEqual([]);
  });
});
