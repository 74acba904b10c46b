/**
 * Differential test: every fixture that has a tshark oracle (test/fixtures/oracle/**.fields.tsv) is read with
 * openCapture and compared packet by packet: count, time (sec.nsec, 9 digits), len, caplen, interface.
 * Where we deliberately differ from tshark, the exception is listed below with its reason and exact numbers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../main/engine/readers/open';
import type { CaptureReader } from '../../main/engine/readers/record';

const FIXTURES = path.join(__dirname, '../fixtures');
const ORACLE = path.join(FIXTURES, 'oracle');

/** [fixture dir, oracle dir] pairs. */
const SETS: Array<[string, string]> = [
  ['captures', ''],
  ['pcapng-suite/be', 'pcapng-suite/be'],
  ['pcapng-suite/le', 'pcapng-suite/le'],
  ['tcpdump', 'tcpdump'],
];

/**
 * tshark lists pcapng Custom Blocks (0x00000BAD / 0x40000BAD) as frames of their own; we skip them (they are
 * not packets). Number of such oracle rows per file: we return exactly that many packets fewer.
 */
const CUSTOM_BLOCK_FRAMES: Record<string, number> = {
  'captures/fmt-pcapng-le-perpacket-linktypes__gopacket__le-test102.pcapng': 3,
  'captures/fmt-pcapng-be-3sections-5if__gopacket__be-test202.pcapng': 3,
  'pcapng-suite/be/test017.pcapng': 4,
  'pcapng-suite/be/test018.pcapng': 4,
  'pcapng-suite/be/test102.pcapng': 3,
  'pcapng-suite/be/test202.pcapng': 3,
  'pcapng-suite/le/test017.pcapng': 4,
  'pcapng-suite/le/test018.pcapng': 4,
  'pcapng-suite/le/test102.pcapng': 3,
  'pcapng-suite/le/test202.pcapng': 3,
};

/**
 * tshark refuses the whole file when it has no dissector for the link type (0 rows, "network type N unknown
 * or unsupported"). Unknown link types are not a reader problem for us: we return every record, carrying the
 * link type. Exact packet counts we return.
 */
const UNSUPPORTED_LINKTYPE_PACKETS: Record<string, number> = {
  'tcpdump/brcm-tag-prepend.pcap': 15,
  'tcpdump/brcm-tag.pcap': 23,
  'tcpdump/dsa-high-vid.pcap': 4,
  'tcpdump/dsa.pcap': 8,
  'tcpdump/edsa-high-vid.pcap': 4,
  'tcpdump/edsa.pcap': 10,
  'tcpdump/frf16_magic_ie-oobr.pcap': 1,
  'tcpdump/hoobr_juniper3.pcap': 1,
  'tcpdump/juniper_es_oobr.pcap': 1,
  'tcpdump/juniper_monitor_invalid_cookie_length.pcap': 1,
  'tcpdump/kday6.pcap': 1,
  'tcpdump/vtp_asan-2.pcap': 1,
  'tcpdump/vtp_asan-3.pcap': 1,
  'tcpdump/vtp_asan.pcap': 5,
};

/**
 * Damaged file where tshark, after the standard reading fails, re-interprets the whole file as one of the
 * 1999 "modified libpcap" variants (24-byte record headers) and so turns garbage into a 2nd frame
 * (time -1409179648, len 1048576). We read the standard format only: 1 good packet, then a fatal error at the
 * record claiming 1409179648 captured bytes.
 */
const TSHARK_VARIANT_GUESS: Record<string, { ours: number; tshark: number; errorOffset: number }> = {
  'captures/bad-pcap-damaged-record__suricata-verify__fuzz.pcap': { ours: 1, tshark: 2, errorOffset: 228 },
};

/**
 * pcap records whose sub-second field is out of range (>= 10^6 µs or >= 10^9 ns). tshark prints them
 * unnormalized ("1418145370.1000000000") or, for µs, after a 32-bit overflow of usec*1000 (garbage such as
 * "-0.2078753920"). We normalize (carry whole seconds, tsNsec < 10^9); those packets are checked against an
 * exact computation from the raw record instead. Number of such packets per file:
 */
const OUT_OF_RANGE_SUBSECOND: Record<string, number> = {
  'captures/bad-pcap-cut-short-fuzz__ndpi__fuzz-2021-10-13.pcap': 1,
  'tcpdump/atm-oam-loopback-print-overrun.pcap': 1,
  'tcpdump/rx_serviceid_oobr.pcap': 1,
  'tcpdump/timestamp_invalid_micro.pcap': 2,
  'tcpdump/timestamp_invalid_nano.pcap': 2,
};

/**
 * Link types whose records start with a pseudo-header that tshark strips before counting frame.len and
 * frame.cap_len (SunATM: 4 bytes). We report the record's lengths as stored; the dissector owns pseudo-headers.
 */
const PSEUDO_HEADER_BYTES: Record<number, number> = { 123: 4 };

interface Row {
  time: string;
  len: number;
  caplen: number;
  iface: string;
  info: string;
}

function oracleRows(file: string): Row[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const header = lines[0].split('\t');
  const col = (name: string): number => header.indexOf(name);
  const [t, l, c, i, info] = [
    col('frame.time_epoch'),
    col('frame.len'),
    col('frame.cap_len'),
    col('frame.interface_id'),
    col('_ws.col.Info'),
  ];
  return lines
    .slice(1)
    .filter((x) => x.length > 0)
    .map((x) => {
      const f = x.split('\t');
      return { time: f[t], len: Number(f[l]), caplen: Number(f[c]), iface: f[i], info: f[info] ?? '' };
    });
}

interface Ours {
  time: string;
  len: number;
  caplen: number;
  indexInSection: number;
  linkType: number;
  /** Exact normalized time computed from the raw pcap record when its sub-second field is out of range. */
  rawTime?: string;
}

const ts = (sec: number, nsec: number): string => `${sec}.${String(nsec).padStart(9, '0')}`;

function readAll(reader: CaptureReader): Ours[] {
  const out: Ours[] = [];
  const pcapNs = reader.format === 'pcap' ? reader.interfaces[0].tsResolution.exponent === 9 : false;
  const le = reader.format === 'pcap' ? readLE(reader) : true;
  for (let r = reader.next(); r !== null; r = reader.next()) {
    const o: Ours = {
      time: ts(r.tsSec, r.tsNsec),
      len: r.len,
      caplen: r.caplen,
      indexInSection: reader.interfaces[r.ifId].indexInSection,
      linkType: r.linkType,
    };
    if (reader.format === 'pcap') {
      const head = reader.readAt(r.recordOffset, 16);
      const dv = new DataView(head.buffer, head.byteOffset, 16);
      const sub = dv.getUint32(4, le);
      if (sub >= (pcapNs ? 1e9 : 1e6)) {
        const ns = sub * (pcapNs ? 1 : 1000);
        o.rawTime = ts(dv.getUint32(0, le) + Math.floor(ns / 1e9), ns % 1e9);
      }
    }
    out.push(o);
  }
  return out;
}

/** Byte order of a pcap file, from its magic. */
function readLE(reader: CaptureReader): boolean {
  const m = reader.readAt(0, 4);
  return m[0] === 0xd4 || m[0] === 0x4d;
}

interface Case {
  key: string;
  file: string;
  oracle: string;
  err: string | undefined;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const [dir, odir] of SETS) {
    for (const name of fs.readdirSync(path.join(FIXTURES, dir)).sort()) {
      const oracle = path.join(ORACLE, odir, `${name}.fields.tsv`);
      if (!fs.existsSync(oracle)) continue;
      const errFile = path.join(ORACLE, odir, `${name}.err`);
      out.push({
        key: `${dir}/${name}`,
        file: path.join(FIXTURES, dir, name),
        oracle,
        err: fs.existsSync(errFile) ? fs.readFileSync(errFile, 'utf8') : undefined,
      });
    }
  }
  return out;
}

const ALL = cases();

describe('readers vs tshark oracle', () => {
  it('finds the oracle fixtures', () => {
    expect(ALL.length).toBeGreaterThan(900);
  });

  it.each(ALL.map((c) => [c.key, c] as const))('%s', (key, c) => {
    const reader = openCapture(c.file);
    let ours: Ours[];
    try {
      ours = readAll(reader);
    } finally {
      reader.close();
    }
    const size = fs.statSync(c.file).size;
    let rows = oracleRows(c.oracle);
    const fatal = reader.errors.filter((e) => e.fatal);
    for (const e of reader.errors) {
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset).toBeLessThanOrEqual(size);
    }

    const unsupported = UNSUPPORTED_LINKTYPE_PACKETS[key];
    if (unsupported !== undefined) {
      expect(rows.length).toBe(0);
      expect(c.err).toMatch(/network type \d+ unknown or unsupported/);
      const raw = Number(/network type (\d+)/.exec(c.err ?? '')?.[1]);
      expect(ours.length).toBe(unsupported);
      expect(fatal).toEqual([]);
      for (const o of ours) expect(o.linkType).toBe(raw & 0x03ffffff);
      return;
    }

    const custom = CUSTOM_BLOCK_FRAMES[key] ?? 0;
    expect(rows.filter((r) => r.info.startsWith('Custom Block')).length).toBe(custom);
    rows = rows.filter((r) => !r.info.startsWith('Custom Block'));

    const variant = TSHARK_VARIANT_GUESS[key];
    if (variant !== undefined) {
      expect(rows.length).toBe(variant.tshark);
      expect(ours.length).toBe(variant.ours);
      expect(fatal.length).toBe(1);
      expect(fatal[0].offset).toBe(variant.errorOffset);
      rows = rows.slice(0, variant.ours);
    }

    expect(ours.length).toBe(rows.length);
    if (c.err !== undefined) {
      // tshark complained: the file is damaged (or unsupported), and we must say so with an offset.
      expect(fatal.length).toBe(1);
      expect(fatal[0].packet).toBe(ours.length + 1);
    } else {
      expect(fatal).toEqual([]);
    }

    let outOfRange = 0;
    for (let i = 0; i < rows.length; i++) {
      const o = ours[i];
      const r = rows[i];
      const strip = PSEUDO_HEADER_BYTES[o.linkType] ?? 0;
      const where = `${key} packet ${i + 1}`;
      expect(Math.max(0, o.len - strip), where).toBe(r.len);
      expect(Math.max(0, o.caplen - strip), where).toBe(r.caplen);
      if (o.rawTime !== undefined) {
        outOfRange++;
        expect(o.time, where).toBe(o.rawTime);
      } else if (r.time === '') {
        // Simple Packet Blocks carry no timestamp: tshark shows none, we use 0.
        expect(o.time, where).toBe('0.000000000');
      } else {
        expect(o.time, where).toBe(r.time);
      }
      // tshark's frame.interface_id is the index within the section; ours is global (see InterfaceInfo.id).
      if (r.iface !== '') expect(String(o.indexInSection), where).toBe(r.iface);
    }
    expect(outOfRange).toBe(OUT_OF_RANGE_SUBSECOND[key] ?? 0);
  });
});
