/**
 * I/O graph buckets against `tshark -q -z io,stat,<interval>`: frames and bytes per interval at several
 * interval widths, a zoomed range (the same buckets as tshark's full table, sliced), protocol series against
 * tshark's per-filter columns, and the display-filter scope against io,stat with the filter as a column.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureStatistics } from '../../main/engine/stats/capture-stats';
import { MAX_BUCKETS } from '../../main/engine/stats/io-graph';
import { haveTshark, indexCapture, tshark, tsharkIoStat } from './stats-oracle';

const CAPTURES = join(__dirname, '../fixtures/captures');
const FILES = ['mixed-real-traffic__zui__sample.pcapng', 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng', 'sip-udp-register-invite-rtp__ndpi__sip.pcap'];

function statsFor(file: string) {
  const c = indexCapture(join(CAPTURES, file));
  return { c, stats: new CaptureStatistics(c.index, c.index.reader, file, c.enrichment, c.hierarchy) };
}

const pairs = (packets: number[], bytes: number[]) => packets.map((p, k) => ({ frames: p, bytes: bytes[k]! }));

describe.skipIf(!haveTshark)('I/O graph vs tshark -z io,stat', () => {
  it.each(FILES)('%s: frames and bytes per interval (1 s, 0.5 s, 0.01 s)', (file) => {
    const { c, stats } = statsFor(file);
    try {
      let compared = 0;
      for (const interval of [1, 0.5, 0.01]) {
        const r = stats.io(null, { interval, groupBy: 'none', series: 6 }, false);
        // A capture too long for this many buckets gets a wider interval (tested below), not tshark's table.
        if (r.span / interval >= MAX_BUCKETS) continue;
        compared++;
        const theirs = tsharkIoStat(join(CAPTURES, file), interval).map((row) => row[0]!);
        expect(r.interval).toBe(interval);
        expect(r.buckets, `${interval} s`).toBe(theirs.length);
        expect(pairs(r.series[0]!.packets, r.series[0]!.bytes), `${interval} s`).toEqual(theirs);
      }
      expect(compared).toBeGreaterThanOrEqual(2);
    } finally {
      c.close();
    }
  });

  it('a zoomed range is the same buckets as the whole table, sliced', () => {
    const file = FILES[0]!;
    const { c, stats } = statsFor(file);
    try {
      const theirs = tsharkIoStat(join(CAPTURES, file), 0.01).map((row) => row[0]!);
      const r = stats.io(null, { interval: 0.01, from: 2, to: 4, groupBy: 'none', series: 6 }, false);
      expect(r.from).toBe(2);
      expect(r.buckets).toBe(200);
      expect(pairs(r.series[0]!.packets, r.series[0]!.bytes)).toEqual(theirs.slice(200, 400));
      expect(r.series[0]!.packets.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    } finally {
      c.close();
    }
  });

  it('protocol series agree with tshark columns filtered to that protocol', () => {
    const file = FILES[1]!;
    const { c, stats } = statsFor(file);
    try {
      const r = stats.io(null, { interval: 1, groupBy: 'protocol', series: 12 }, false);
      // Protocols whose frames are exactly those tshark's filter selects (the Protocol column is the top layer).
      const checks: [string, string][] = [
        ['ARP', 'arp'],
        ['DNS', 'dns && !icmp'],
        ['ICMP', 'icmp'],
      ];
      const theirs = tsharkIoStat(join(CAPTURES, file), 1, checks.map(([, f]) => f));
      checks.forEach(([name], k) => {
        const s = r.series.find((x) => x.name === name);
        expect(s, name).toBeDefined();
        expect(pairs(s!.packets, s!.bytes), name).toEqual(theirs.map((row) => row[k]!));
      });
      // The series and "Other" add up to the total in every bucket.
      for (let b = 0; b < r.buckets; b++) {
        const sum = r.series.slice(1).reduce((a, s) => a + s.packets[b]!, 0);
        expect(sum).toBe(r.series[0]!.packets[b]);
      }
    } finally {
      c.close();
    }
  });

  it('application series count each packet under its session\'s application', () => {
    const file = FILES[1]!;
    const { c, stats } = statsFor(file);
    try {
      const r = stats.io(null, { interval: 2, groupBy: 'app', series: 12 }, false);
      const s = c.index.store;
      const expected = new Map<string, number[]>();
      for (let i = 0; i < s.count; i++) {
        const sid = s.session[i]!;
        const app = sid < 0 ? '(no session)' : c.enrichment.app(sid) || 'unclassified';
        const rel = s.tsSec[i]! - c.index.firstSec + (s.tsNsec[i]! - c.index.firstNsec) / 1e9;
        const row = expected.get(app) ?? new Array<number>(r.buckets).fill(0);
        row[Math.floor(rel / 2)]! += 1;
        expected.set(app, row);
      }
      expect(r.series.length).toBeGreaterThan(2);
      for (const series of r.series.slice(1)) {
        if (series.name === 'Other') continue;
        expect(series.packets, series.name).toEqual(expected.get(series.name));
      }
    } finally {
      c.close();
    }
  });

  it('limited to a display filter: the filter\'s column of io,stat', () => {
    const file = FILES[1]!;
    const path = join(CAPTURES, file);
    const { c, stats } = statsFor(file);
    try {
      const numbers = Uint32Array.from(tshark(['-r', path, '-Y', 'udp', '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).map(Number));
      const r = stats.io(numbers, { interval: 1, groupBy: 'none', series: 6 }, false);
      expect(pairs(r.series[0]!.packets, r.series[0]!.bytes)).toEqual(tsharkIoStat(path, 1, ['udp']).map((row) => row[0]!));
    } finally {
      c.close();
    }
  });

  it('widens the interval instead of answering more than MAX_BUCKETS buckets', () => {
    const { c, stats } = statsFor(FILES[0]!);
    try {
      const r = stats.io(null, { interval: 1e-6, groupBy: 'none', series: 6 }, false);
      expect(r.buckets).toBeLessThanOrEqual(MAX_BUCKETS);
      expect(r.interval).toBeGreaterThan(1e-6);
      expect(r.series[0]!.packets.reduce((a, b) => a + b, 0)).toBe(c.index.store.count);
    } finally {
      c.close();
    }
  });
});
