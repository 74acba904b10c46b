/**
 * The statistics contract and its service handlers: parameters are validated with bounds before the engine
 * sees them, the handlers answer from a real CaptureSession, figures grow while a file is being indexed
 * (answered from what is indexed so far), and the 'displayed' scope follows the applied display filter.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateClientMessage, type ParsedParams } from '../../shared/contract';
import { CaptureSession } from '../../main/service/capture-session';
import { statsHandlers } from '../../main/service/views/stats';

const FILE = join(__dirname, '../fixtures/captures/mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng');

function request(method: string, params: unknown) {
  return validateClientMessage({ kind: 'request', id: 1, method, params });
}

function handlersFor(session: CaptureSession) {
  return statsHandlers({ current: () => session, session: () => session, policy: () => ({ root: null, allowPaths: false, downloads: true }) });
}

const never = new AbortController().signal;

describe('statistics contract and service', () => {
  it('refuses parameters out of bounds or unknown', () => {
    expect(request('stats.io', { interval: 0 }).ok).toBe(false);
    expect(request('stats.io', { interval: 1, series: 50 }).ok).toBe(false);
    expect(request('stats.io', { interval: 1, groupBy: 'host' }).ok).toBe(false);
    expect(request('stats.talkers', { count: 5000 }).ok).toBe(false);
    expect(request('stats.talkers', { sort: 'country' }).ok).toBe(false);
    expect(request('stats.hierarchy', { scope: 'all', extra: 1 }).ok).toBe(false);
    expect(request('stats.geo', { limit: 0 }).ok).toBe(false);
    const ok = request('stats.talkers', {});
    expect(ok.ok).toBe(true);
    // Defaults filled in by the schema.
    if (ok.ok && ok.message.kind === 'request') expect(ok.message.params).toEqual({ scope: 'all', family: 'all', sort: 'bytes', desc: true, start: 0, count: 100 });
  });

  it('answers while indexing, then for every packet, and for the displayed ones under a filter', async () => {
    const session = new CaptureSession(FILE, { follow: false }, () => undefined);
    try {
      const h = handlersFor(session);
      // The constructor indexes a first step synchronously; the rest runs in slices.
      const early = await h['stats.summary']({} as ParsedParams<'stats.summary'>, never);
      expect(early.packets).toBe(session.index.store.count);
      session.finishNow();
      const summary = await h['stats.summary']({} as ParsedParams<'stats.summary'>, never);
      expect(summary.packets).toBe(session.index.store.count);
      expect(summary.packets).toBeGreaterThanOrEqual(early.packets);
      expect(summary.indexing).toBe(false);

      const all = await h['stats.hierarchy']({ scope: 'all' }, never);
      expect(all.frames).toBe(summary.packets);
      // No filter applied: the displayed scope is every packet.
      expect((await h['stats.hierarchy']({ scope: 'displayed' }, never)).frames).toBe(summary.packets);

      const applied = await session.applyFilter('udp', never);
      expect(applied.ok).toBe(true);
      const shown = await h['stats.hierarchy']({ scope: 'displayed' }, never);
      expect(shown.scope).toBe('displayed');
      expect(shown.frames).toBe(applied.displayed);
      expect(shown.nodes.every((n) => n.depth !== 2 || n.name === 'udp')).toBe(true);
      const io = await h['stats.io']({ scope: 'displayed', interval: 1, groupBy: 'none', series: 6 }, never);
      expect(io.series[0]!.packets.reduce((a, b) => a + b, 0)).toBe(applied.displayed);
      const talkers = await h['stats.talkers']({ scope: 'displayed', family: 'all', sort: 'bytes', desc: true, start: 0, count: 10 }, never);
      expect(talkers.packets).toBe(applied.displayed);
      const apps = await h['stats.apps']({ scope: 'displayed' }, never);
      expect(apps.apps.reduce((a, r) => a + r.packets, 0)).toBe(applied.displayed);
      const geo = await h['stats.geo']({ scope: 'displayed', limit: 10 }, never);
      expect(geo.scope).toBe('displayed');
      expect(geo.countries.length).toBeLessThanOrEqual(10);
    } finally {
      session.close();
    }
  });
});
