/**
 * The apps log: intervals of application use split by an idle gap. The interval logic is checked with a
 * stand-in labeler (every session of the capture is "dns"); the CLI path with the real classifier must name
 * exactly the applications that `wirelens sessions` gives the same capture's sessions.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { buildLog, logUnavailable, LogUnavailableError } from '../../main/engine/logs';
import { buildAppsLog, type SessionLabeler } from '../../main/engine/logs/apps-log';
import { indexOf } from './logs-helpers';

const CAPTURE = 'dns-many-mdns-llmnr__pcapplusplus__DnsPackets.pcap';
const everything: SessionLabeler = () => ({ app: 'dns', category: 'network' });

describe('apps log', () => {
  it('is available, but refuses a capture indexed without session enrichment', () => {
    expect(logUnavailable('apps')).toBeNull();
    expect(() => buildLog('apps', indexOf(CAPTURE))).toThrow(LogUnavailableError);
  });

  it('labels intervals with the classifier: the same applications as the session table', () => {
    const cap = path.join(__dirname, '../fixtures/captures/mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng');
    const cli = path.join(__dirname, '../../bin/wirelens.js');
    const sessions = spawnSync(process.execPath, [cli, 'sessions', cap, '--json'], { encoding: 'utf8' });
    const apps = spawnSync(process.execPath, [cli, 'logs', 'apps', cap, '--json'], { encoding: 'utf8' });
    expect(apps.status, apps.stderr).toBe(0);
    const fromSessions = new Set(
      sessions.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { app: string }).app).filter((a) => a !== ''),
    );
    const rows = apps.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { app: string; sessions: number });
    expect(fromSessions.size).toBeGreaterThan(3);
    expect(new Set(rows.map((r) => r.app))).toEqual(fromSessions);
  });

  it('one interval per host and application when the idle time is never reached', () => {
    const index = indexOf(CAPTURE);
    const log = buildAppsLog(index, everything, 1e9);
    const s = index.store;
    const perHost = new Map<string, { packets: number; bytes: number; sessions: Set<number> }>();
    for (let i = 0; i < s.count; i++) {
      const sid = s.session[i] as number;
      if (sid < 0) continue;
      const host = index.endpoints.format(index.sessions.epA[sid] as number);
      const h = perHost.get(host) ?? { packets: 0, bytes: 0, sessions: new Set<number>() };
      h.packets++;
      h.bytes += s.len[i] as number;
      h.sessions.add(sid);
      perHost.set(host, h);
    }
    expect(log.records).toHaveLength(perHost.size);
    for (const r of log.records) {
      const h = perHost.get(r.orig_h);
      expect(r).toMatchObject({ app: 'dns', category: 'network', packets: h?.packets, bytes: h?.bytes, sessions: h?.sessions.size });
      expect(r.uids).toHaveLength(r.sessions);
      expect(Number(r.end) - Number(r.ts)).toBeCloseTo(r.duration, 6);
    }
  });

  it('an idle gap longer than --idle starts a new interval', () => {
    const index = indexOf(CAPTURE);
    const idle = 5;
    // Expected: per host, 1 + the number of gaps over `idle` between its consecutive packets.
    const last = new Map<string, number>();
    const expected = new Map<string, number>();
    const s = index.store;
    for (let i = 0; i < s.count; i++) {
      const sid = s.session[i] as number;
      if (sid < 0) continue;
      const host = index.endpoints.format(index.sessions.epA[sid] as number);
      const t = (s.tsSec[i] as number) + (s.tsNsec[i] as number) / 1e9;
      const prev = last.get(host);
      if (prev === undefined || t - prev > idle) expected.set(host, (expected.get(host) ?? 0) + 1);
      last.set(host, Math.max(prev ?? t, t));
    }
    const log = buildAppsLog(index, everything, idle);
    const got = new Map<string, number>();
    for (const r of log.records) got.set(r.orig_h, (got.get(r.orig_h) ?? 0) + 1);
    expect(got).toEqual(expected);
    expect([...expected.values()].some((n) => n > 1)).toBe(true);
    const all = buildAppsLog(index, everything, 1e9);
    expect(log.records.reduce((a, r) => a + r.bytes, 0)).toBe(all.records.reduce((a, r) => a + r.bytes, 0));
    // Intervals come out in start order.
    const starts = log.records.map((r) => Number(r.ts));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('unlabelled sessions are not logged', () => {
    const log = buildAppsLog(indexOf(CAPTURE), () => null);
    expect(log.records).toHaveLength(0);
  });
});
