/**
 * The calls view's contract and service handlers (shared/views/calls.ts, main/service/views/calls.ts) over a
 * real CaptureSession: parameters are validated with bounds, calls.list answers while the file is still being
 * indexed and ends complete, calls.flow refuses unknown calls, calls.export writes the call's packets (read
 * back by our own reader: the numbers the tracker holds, in order) through the output policy.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTPUT_METHODS, validateClientMessage } from '../../shared/contract';
import { callsMethods } from '../../shared/views/calls';
import { CaptureSession } from '../../main/service/capture-session';
import { takeDownload } from '../../main/service/downloads';
import { ServiceError } from '../../main/service/errors';
import type { ViewContext } from '../../main/service/handler';
import { callsHandlers } from '../../main/service/views/calls';
import { openCapture } from '../../main/engine/readers/open';

const FILE = join(__dirname, '..', 'fixtures', 'captures', 'sipp-mixed.pcap');
const signal = (): AbortSignal => new AbortController().signal;

function handlers(session: CaptureSession, downloads = true) {
  const ctx: ViewContext = {
    current: () => session,
    session: () => session,
    policy: () => ({ root: null, allowPaths: false, downloads }),
  };
  return callsHandlers(ctx);
}

function indexed(): Promise<CaptureSession> {
  return new Promise((resolve) => {
    let s: CaptureSession | null = null;
    const check = (): void => {
      if (s !== null && !s.indexing) resolve(s);
    };
    s = new CaptureSession(FILE, { follow: false }, () => setImmediate(check));
    setImmediate(check);
  });
}

describe('calls contract', () => {
  const req = (method: string, params: unknown) => validateClientMessage({ kind: 'request', id: 1, method, params });

  it('validates parameters with bounds and defaults', () => {
    const ok = req('calls.list', { start: 0, count: 50 });
    expect(ok.ok).toBe(true);
    expect(callsMethods['calls.list'].parse({ start: 0, count: 50 })).toEqual({ start: 0, count: 50, sort: 'start', desc: false, filter: '', states: [], invitesOnly: false });
    for (const bad of [
      { start: 0, count: 0 },
      { start: 0, count: 1001 },
      { start: -1, count: 10 },
      { start: 0, count: 10, sort: 'bytes' },
      { start: 0, count: 10, states: ['ringing', 'lost'] },
      { start: 0, count: 10, filter: 'x'.repeat(1001) },
      { start: 0, count: 10, extra: true },
    ]) {
      expect(req('calls.list', bad).ok, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
    expect(req('calls.flow', { call: -1 }).ok).toBe(false);
    expect(req('calls.export', { call: 0, format: 'csv' }).ok).toBe(false);
    expect(req('calls.export', { call: 0, format: 'pcap', path: '' }).ok).toBe(false);
    expect(OUTPUT_METHODS.has('calls.export')).toBe(true);
  });
});

describe('calls service', () => {
  it('answers while indexing, and completely once indexed', async () => {
    // Not waiting for the index: the first answer comes from the packets indexed so far.
    const early = new CaptureSession(FILE, { follow: false }, () => undefined);
    const h = handlers(early);
    const first = await h['calls.list'](callsMethods['calls.list'].parse({ start: 0, count: 100 }), signal());
    expect(first.all).toBeLessThanOrEqual(6);
    expect(first.rows.length).toBe(Math.min(first.total, 100));
    early.close();

    const s = await indexed();
    const r = await handlers(s)['calls.list'](callsMethods['calls.list'].parse({ start: 0, count: 100, sort: 'state', desc: true }), signal());
    expect(r.complete).toBe(true);
    expect(r.all).toBe(6);
    expect(r.rows.map((x) => x.state)).toEqual(['rejected', 'failed', 'completed', 'completed', 'completed', 'cancelled']);
    s.close();
  });

  it('a cancelled request is answered with cancelled', async () => {
    const s = await indexed();
    const ac = new AbortController();
    ac.abort();
    await expect(handlers(s)['calls.list'](callsMethods['calls.list'].parse({ start: 0, count: 10 }), ac.signal)).rejects.toMatchObject({ code: 'cancelled' });
    s.close();
  });

  it('flow of an unknown call is an invalid request', async () => {
    const s = await indexed();
    await expect(handlers(s)['calls.flow']({ call: 99 }, signal())).rejects.toBeInstanceOf(ServiceError);
    await expect(handlers(s)['calls.flow']({ call: 99 }, signal())).rejects.toMatchObject({ code: 'invalid' });
    const flow = await handlers(s)['calls.flow']({ call: 1 }, signal());
    expect(flow.call.transport).toBe('TCP');
    expect(flow.messages).toHaveLength(10);
    s.close();
  });

  it('exports a call through a one-time download; refuses without a destination when downloads are off', async () => {
    const s = await indexed();
    const r = await handlers(s)['calls.export']({ call: 1, format: 'pcapng' }, signal());
    expect(r.path).toBeUndefined();
    const token = new URL(r.downloadUrl as string, 'http://x').pathname.split('/').pop() as string;
    const dl = takeDownload(token);
    expect(dl).not.toBeNull();
    // Read back with our reader: the TCP call's SIP segments and its RTP, as pcapng.
    const reader = openCapture((dl as { path: string }).path);
    let n = 0;
    while (reader.next() !== null) n++;
    reader.close();
    expect(n).toBe(r.written);
    expect(r.written).toBeGreaterThanOrEqual(10 + 202);
    expect(readFileSync((dl as { path: string }).path).readUInt32LE(0)).toBe(0x0a0d0d0a);
    rmSync(dirname((dl as { path: string }).path), { recursive: true, force: true });
    await expect(handlers(s, false)['calls.export']({ call: 1, format: 'pcap' }, signal())).rejects.toMatchObject({ code: 'invalid' });
    s.close();
  });
});
