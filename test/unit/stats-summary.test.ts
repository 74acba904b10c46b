/**
 * The capture summary against `capinfos -M -T -S` (machine-readable, times as epoch seconds): packets, file
 * and data size, first/last time, duration, average rates and packet size, file type, encapsulation, time
 * precision, snap length, the section header's hardware/OS/application, and per-interface packet counts.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureStatistics } from '../../main/engine/stats/capture-stats';
import { CAPINFOS, capinfos, haveCapinfos, indexCapture, tshark } from './stats-oracle';

const CAPTURES = join(__dirname, '../fixtures/captures');
const FILES = [
  'mixed-real-traffic__zui__sample.pcapng',
  'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng',
  'fmt-pcapng-11if-macos-dumpcap__pcapplusplus__many_interfaces-1.pcapng',
  'fmt-pcap-le-nsec__pcapplusplus__nanosecs.pcap',
  'fmt-pcapng-2if-ether-sll-nsec-comment__pcapplusplus__pcapng-example.pcapng',
  'fmt-pcapng-2if-mixed-tsresol-dns__zeek__pcapng-multi-interface.pcapng',
  'link-sll2-tls__pcapplusplus__sll2.pcap',
  'sip-udp-register-invite-rtp__ndpi__sip.pcap',
  'tcp-dups-ssh__zeek__ssh-dups.pcap',
];

/** capinfos' short encapsulation names for the link types of these fixtures → our names. */
const ENCAPSULATION: Record<string, string> = {
  ether: 'Ethernet',
  'linux-sll': 'Linux cooked (SLL)',
  'linux-sll2': 'Linux cooked v2 (SLL2)',
  'per-packet': 'Per packet',
};

/** Epoch seconds "123.456789" → nanoseconds, exactly. */
function ns(epoch: string): bigint {
  const [s, f = ''] = epoch.split('.');
  return BigInt(s!) * 1_000_000_000n + BigInt((f + '000000000').slice(0, 9));
}

/**
 * capinfos prints rates with 2 decimals, and divides by a duration it takes as the difference of two double
 * epoch times: that difference is off by up to one unit in the last place of the epoch value, which the
 * tolerance allows (relative to the duration), plus the rounding to 2 decimals.
 */
function close(ours: number | null, theirs: string, epoch: number, duration: number): void {
  expect(ours).not.toBeNull();
  const ulp = 2 ** (Math.floor(Math.log2(Math.max(epoch, 1))) - 52);
  expect(Math.abs(ours! - Number(theirs))).toBeLessThanOrEqual(0.0051 + Math.abs(Number(theirs)) * ((2 * ulp) / duration + 1e-12));
}

/**
 * This file's second interface has timestamps past 2^64 microseconds wrapped (18446744073204 s); capinfos
 * reports start/end/duration over those packets only, while tshark's frame.time_epoch (and we) have the
 * first interface's 2015 times too: its times are compared with tshark instead.
 */
const CAPINFOS_TIMES_DIFFER = 'fmt-pcapng-2if-ether-sll-nsec-comment__pcapplusplus__pcapng-example.pcapng';

describe.skipIf(!haveCapinfos)('capture summary vs capinfos', () => {
  it.each(FILES)('%s', (file) => {
    const path = join(CAPTURES, file);
    const c = indexCapture(path);
    try {
      const s = new CaptureStatistics(c.index, c.index.reader, path, c.enrichment, c.hierarchy).summary(false);
      const ci = capinfos(path);
      expect(s.packets).toBe(Number(ci.get('Number of packets')));
      expect(s.fileSize).toBe(Number(ci.get('File size (bytes)')));
      expect(s.dataBytes).toBe(Number(ci.get('Data size (bytes)')));
      if (file === CAPINFOS_TIMES_DIFFER) {
        const times = tshark(['-r', path, '-T', 'fields', '-e', 'frame.time_epoch']).split('\n').filter(Boolean).map(ns);
        const min = times.reduce((a, b) => (b < a ? b : a));
        const max = times.reduce((a, b) => (b > a ? b : a));
        expect(ns(s.firstTs!)).toBe(min);
        expect(ns(s.lastTs!)).toBe(max);
        expect(s.avgPacketSize).toBeCloseTo(Number(ci.get('Average packet size (bytes)')), 2);
        return;
      }
      expect(ns(s.firstTs!)).toBe(ns(ci.get('Start time')!));
      expect(ns(s.lastTs!)).toBe(ns(ci.get('End time')!));
      expect(Math.abs(s.duration - Number(ci.get('Capture duration (seconds)')))).toBeLessThan(1e-9);
      const epoch = Number(s.lastTs);
      close(s.byteRate, ci.get('Data byte rate (bytes/sec)')!, epoch, s.duration);
      close(s.bitRate, ci.get('Data bit rate (bits/sec)')!, epoch, s.duration);
      close(s.avgPacketSize, ci.get('Average packet size (bytes)')!, epoch, s.duration);
      close(s.packetRate, ci.get('Average packet rate (packets/sec)')!, epoch, s.duration);
      // capinfos says "nsecpcap" for the nanosecond pcap variant.
      expect(ci.get('File type')!.replace('nsecpcap', 'pcap')).toBe(s.format);
      expect(s.encapsulation).toBe(ENCAPSULATION[ci.get('File encapsulation')!]);
      const precision = ci.get('File time precision')!;
      if (precision === 'per-packet') expect(s.timePrecision).toBe('mixed');
      else expect(s.timePrecision.startsWith(precision)).toBe(true);
      const snap = ci.get('Packet size limit')!;
      if (snap !== '(not set)') expect(s.snaplen).toBe(Number(snap));
      expect(s.hardware).toBe(ci.get('Capture hardware'));
      expect(s.os).toBe(ci.get('Capture oper-sys'));
      expect(s.application).toBe(ci.get('Capture application'));
    } finally {
      c.close();
    }
  });

  it('packets per interface agree with capinfos', () => {
    const path = join(CAPTURES, 'fmt-pcapng-11if-macos-dumpcap__pcapplusplus__many_interfaces-1.pcapng');
    const c = indexCapture(path);
    try {
      const s = new CaptureStatistics(c.index, c.index.reader, path, c.enrichment, c.hierarchy).summary(false);
      const text = execFileSync(CAPINFOS, ['-M', path], { encoding: 'utf8' });
      const theirs = [...text.matchAll(/Interface #(\d+) info:[\s\S]*?Number of packets = (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
      expect(theirs.length).toBe(11);
      expect(s.interfaces.map((i) => [i.index, i.packets])).toEqual(theirs);
      const names = [...text.matchAll(/Interface #\d+ info:\s+Name = (\S+)/g)].map((m) => m[1]);
      expect(s.interfaces.map((i) => i.name)).toEqual(names);
    } finally {
      c.close();
    }
  });
});
