import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../main/engine/readers/open';
import { PcapngReader } from '../../main/engine/readers/pcapng';
import type { CaptureReader, PacketRecord } from '../../main/engine/readers/record';
import { convertTimestamp, timestampUnit } from '../../main/engine/readers/timestamp';
import { linkTypeFromPcapHeader } from '../../main/engine/readers/link-types';
import { PcapWriter } from '../../main/engine/writers/pcap-writer';
import { PcapngWriter } from '../../main/engine/writers/pcapng-writer';

const CAP = path.join(__dirname, '../fixtures/captures');
const SUITE = path.join(__dirname, '../fixtures/pcapng-suite');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelens-readers-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Snap {
  number: number;
  tsSec: number;
  tsNsec: number;
  len: number;
  caplen: number;
  ifId: number;
  linkType: number;
  dataOffset: number;
  /** Byte offset just past the record/block. */
  end: number;
  data: string;
  comments: string[] | undefined;
}

function snap(r: PacketRecord): Snap {
  return {
    number: r.number,
    tsSec: r.tsSec,
    tsNsec: r.tsNsec,
    len: r.len,
    caplen: r.caplen,
    ifId: r.ifId,
    linkType: r.linkType,
    dataOffset: r.dataOffset,
    end: r.recordOffset + r.recordLength,
    data: Buffer.from(r.data).toString('hex'),
    comments: r.comments,
  };
}

function drain(reader: CaptureReader): Snap[] {
  const out: Snap[] = [];
  for (let r = reader.next(); r !== null; r = reader.next()) out.push(snap(r));
  return out;
}

function readFile(file: string, chunkSize?: number): { packets: Snap[]; reader: CaptureReader } {
  const reader = openCapture(file, { chunkSize });
  const packets = drain(reader);
  reader.close();
  return { packets, reader };
}

describe('timestamp conversion', () => {
  const ref = (hi: number, lo: number, tsresol: number): [number, number] => {
    const v = (BigInt(hi) << 32n) | BigInt(lo);
    const n = tsresol & 0x7f;
    if (tsresol & 0x80) {
      const per = 1n << BigInt(n);
      return [Number(v / per), Number(((v % per) * 1_000_000_000n) / per)];
    }
    const per = 10n ** BigInt(n);
    if (n <= 9) return [Number(v / per), Number((v % per) * 10n ** BigInt(9 - n))];
    // Rounded to the nearest ns (half up), with a carry into the seconds.
    const ns = (v * 10n + 5n * 10n ** BigInt(n - 9)) / (10n * 10n ** BigInt(n - 9));
    return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
  };

  it('matches BigInt arithmetic for decimal and binary resolutions', () => {
    const out = { tsSec: 0, tsNsec: 0 };
    const resol = fc.oneof(
      fc.integer({ min: 0, max: 19 }),
      fc.integer({ min: 0, max: 63 }).map((n) => n | 0x80),
    );
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), resol, (hi, lo, r) => {
        // Seconds beyond 2^53 are not exactly representable as numbers: keep to the exact range.
        const [sec, nsec] = ref(hi, lo, r);
        fc.pre(sec < 2 ** 53);
        convertTimestamp(hi, lo, timestampUnit(r, 0), out);
        expect([out.tsSec, out.tsNsec]).toEqual([sec, nsec]);
      }),
      { numRuns: 3000 },
    );
  });

  it('adds if_tsoffset seconds and handles times after 2106', () => {
    const out = { tsSec: 0, tsNsec: 0 };
    // 2^32 + 5 seconds and 123456 µs.
    const total = (2n ** 32n + 5n) * 1_000_000n + 123_456n;
    convertTimestamp(Number(total >> 32n), Number(total & 0xffffffffn), timestampUnit(6, 100), out);
    expect(out).toEqual({ tsSec: 2 ** 32 + 105, tsNsec: 123_456_000 });
  });

  it('masks the FCS bits of the pcap link type', () => {
    expect(linkTypeFromPcapHeader(0x40000000)).toBe(0);
    expect(linkTypeFromPcapHeader(0x14000001)).toBe(1);
  });
});

describe('openCapture', () => {
  it('throws a one-line message for missing, empty, and non-capture files', () => {
    const empty = path.join(tmp, 'empty.pcap');
    fs.writeFileSync(empty, '');
    const text = path.join(tmp, 'text.pcap');
    fs.writeFileSync(text, 'hello world, not a capture\n');
    for (const [file, re] of [
      [path.join(tmp, 'missing.pcap'), /cannot open: no such file/],
      [empty, /not a capture file \(empty\)/],
      [text, /not a pcap or pcapng capture file \(starts with 0x68656c6c\)/],
      [tmp, /is a directory|cannot read/],
    ] as const) {
      expect(() => openCapture(file)).toThrow(re);
      try {
        openCapture(file);
      } catch (e) {
        expect((e as Error).message).not.toContain('\n');
      }
    }
  });

  it('detects the format by magic, not by extension', () => {
    const lying = openCapture(path.join(CAP, 'http1-many-requests__foxio-ja4__http1.pcapng'));
    expect(lying.format).toBe('pcap');
    lying.close();
    const copy = path.join(tmp, 'really-pcapng.pcap');
    fs.copyFileSync(path.join(SUITE, 'le/test005.pcapng'), copy);
    const r = openCapture(copy);
    expect(r.format).toBe('pcapng');
    r.close();
  });
});

describe('pcap reader', () => {
  it('reads big-endian µs and ns files and keeps ns precision', () => {
    const { packets } = readFile(path.join(CAP, 'fmt-pcap-le-nsec__pcapplusplus__nanosecs.pcap'));
    expect(packets.map((p) => [p.tsSec, p.tsNsec])).toEqual([
      [1, 2000],
      [1, 1234],
    ]);
    const be = readFile(path.join(CAP, 'fmt-pcap-be-usec-netlink__pcapplusplus__microsecs_big_endian.pcap'));
    expect(be.packets.length).toBe(13);
    expect(be.reader.interfaces[0].linkType).toBe(253);
    expect(be.packets[0].linkType).toBe(253);
  });

  it('gives the same packets with any chunk size, and readAt returns the same bytes', () => {
    const file = path.join(CAP, 'link-sll-mixed__pcapplusplus__sll.pcap');
    const a = readFile(file).packets;
    const b = readFile(file, 4096).packets;
    expect(b).toEqual(a);
    const r = openCapture(file);
    for (const p of a.slice(0, 50)) {
      expect(Buffer.from(r.readAt(p.dataOffset, p.caplen)).toString('hex')).toBe(p.data);
    }
    r.close();
  });

  it('grows its buffer for a record larger than the chunk', () => {
    const file = path.join(tmp, 'big-record.pcap');
    const w = new PcapWriter(file, { linkType: 1, snaplen: 1 << 20 });
    const big = new Uint8Array(300_000).map((_, i) => i & 0xff);
    w.writePacket({ data: new Uint8Array(10), tsSec: 1, tsNsec: 0 });
    w.writePacket({ data: big, tsSec: 2, tsNsec: 0 });
    w.writePacket({ data: new Uint8Array(10), tsSec: 3, tsNsec: 0 });
    w.close();
    const reader = openCapture(file, { chunkSize: 4096 });
    const p = drain(reader);
    expect(p.map((x) => x.caplen)).toEqual([10, 300_000, 10]);
    expect(p[1].data).toBe(Buffer.from(big).toString('hex'));
    expect(reader.errors).toEqual([]);
  });

  it('reports a cut-short file with packet number and offsets', () => {
    const src = fs.readFileSync(path.join(CAP, 'arp__zeek__arp.pcap'));
    const all = readFile(path.join(CAP, 'arp__zeek__arp.pcap')).packets;
    const third = all[2];
    const cut = path.join(tmp, 'cut.pcap');
    fs.writeFileSync(cut, src.subarray(0, third.dataOffset + 5));
    const reader = openCapture(cut);
    expect(drain(reader).length).toBe(2);
    expect(reader.errors).toEqual([
      {
        message:
          `file ends in the middle of packet 3 (record at byte offset ${third.dataOffset - 16}: ` +
          `needs ${16 + third.caplen} bytes, 21 present)`,
        offset: third.dataOffset - 16,
        packet: 3,
        fatal: true,
      },
    ]);
    expect(reader.next()).toBeNull();
  });

  it('treats an absurd record length as fatal damage', () => {
    const src = Buffer.from(fs.readFileSync(path.join(CAP, 'arp__zeek__arp.pcap')));
    const all = readFile(path.join(CAP, 'arp__zeek__arp.pcap')).packets;
    const recordAt = all[1].dataOffset - 16;
    src.writeUInt32LE(0x7fffffff, recordAt + 8);
    const file = path.join(tmp, 'absurd.pcap');
    fs.writeFileSync(file, src);
    const reader = openCapture(file);
    expect(drain(reader).length).toBe(1);
    expect(reader.errors.length).toBe(1);
    expect(reader.errors[0]).toMatchObject({ offset: recordAt, packet: 2, fatal: true });
    expect(reader.errors[0].message).toMatch(/2147483647 captured bytes/);
  });
});

describe('pcapng reader', () => {
  it('reads interfaces, SHB and packet comments, and ISB statistics', () => {
    const { packets, reader } = readFile(
      path.join(CAP, 'fmt-pcapng-2if-ether-sll-nsec-comment__pcapplusplus__pcapng-example.pcapng'),
    );
    expect(packets.length).toBe(159);
    expect(reader.comments.length).toBe(1);
    expect(reader.interfaces.map((i) => [i.linkType, i.tsResolution.exponent])).toEqual([
      [1, 9],
      [113, 6],
    ]);
    const commented = packets.filter((p) => p.comments !== undefined);
    expect(commented.length).toBeGreaterThan(90);
    expect(reader.interfaces.some((i) => i.stats?.received !== undefined)).toBe(true);
  });

  it('numbers interfaces globally across sections and follows byte order per section', () => {
    // 3 sections with 2, 1 and 2 IDBs; section 2's interface 0 is global id 2, section 3's interface 1 is 4.
    for (const file of [path.join(SUITE, 'be/test202.pcapng'), path.join(SUITE, 'le/test202.pcapng')]) {
      const { packets, reader } = readFile(file);
      expect(reader.interfaces.map((i) => [i.id, i.section, i.indexInSection])).toEqual([
        [0, 0, 0],
        [1, 0, 1],
        [2, 1, 0],
        [3, 2, 0],
        [4, 2, 1],
      ]);
      expect(packets.map((p) => p.ifId)).toEqual([0, 0, 1, 2, 2, 2, 2, 4]);
      // SPBs (no timestamp) get time 0 and the caplen limited by the section's snaplen (128).
      expect(packets[3]).toMatchObject({ tsSec: 0, tsNsec: 0, len: 314, caplen: 128 });
      expect(reader.comments.length).toBe(3);
      expect(reader.errors).toEqual([]);
    }
  });

  it('parses name resolution blocks into names', () => {
    const reader = openCapture(path.join(SUITE, 'le/test100.pcapng'));
    drain(reader);
    expect(reader.names?.size).toBeGreaterThan(0);
    expect(reader).toBeInstanceOf(PcapngReader);
  });

  it('keeps seconds beyond 2^32 exactly', () => {
    const { packets } = readFile(path.join(CAP, 'fmt-pcapng-time-2106-overflow__tcpdump__time_2106_overflow.pcapng'));
    expect(packets.length).toBe(1);
    expect([packets[0].tsSec, packets[0].tsNsec]).toEqual([2 ** 32, 0]);
  });

  it('reports damage: bad block length, trailer mismatch, unknown interface', () => {
    const file = path.join(CAP, 'mixed-real-traffic__zui__sample.pcapng');
    const all = readFile(file).packets;
    const src = fs.readFileSync(file);
    const block = all[3].dataOffset - 28; // EPB header is 28 bytes before the data
    const cases: Array<[string, (b: Buffer) => void, RegExp]> = [
      ['length', (b) => b.writeUInt32LE(b.readUInt32LE(block + 4) + 2, block + 4), /not a multiple of 4/],
      ['trailer', (b) => b.writeUInt32LE(b.readUInt32LE(block + 4) + 4, block + 4), /does not match|trailing/],
      ['interface', (b) => b.writeUInt32LE(7, block + 8), /refers to interface 7/],
    ];
    for (const [name, mutate, re] of cases) {
      const b = Buffer.from(src);
      mutate(b);
      const f = path.join(tmp, `damaged-${name}.pcapng`);
      fs.writeFileSync(f, b);
      const reader = openCapture(f);
      const got = drain(reader);
      expect(got).toEqual(all.slice(0, 3));
      expect(reader.errors.length).toBe(1);
      expect(reader.errors[0]).toMatchObject({ offset: block, packet: 4, fatal: true });
      expect(reader.errors[0].message).toMatch(re);
    }
  });
});

describe('follow mode', () => {
  /** Appends `bytes` in the given cut points and checks what next() returns after each step. */
  function followInSteps(source: string, cuts: number[]): void {
    const src = fs.readFileSync(source);
    const expected = readFile(source).packets;
    const file = path.join(tmp, `follow-${path.basename(source)}`);
    const headerEnd = cuts[0];
    fs.writeFileSync(file, src.subarray(0, headerEnd));
    const reader = openCapture(file, { follow: true, chunkSize: 4096 });
    const got: Snap[] = [];
    let written = headerEnd;
    for (const cut of [...cuts.slice(1), src.length]) {
      fs.appendFileSync(file, src.subarray(written, cut));
      written = cut;
      for (let r = reader.next(); r !== null; r = reader.next()) got.push(snap(r));
      expect(reader.errors).toEqual([]);
      // Exactly the records that are complete have been returned, and nothing partial was consumed.
      expect(got).toEqual(expected.filter((p) => p.end <= cut));
      expect(reader.position).toBeLessThanOrEqual(cut);
    }
    expect(got).toEqual(expected);
    expect(reader.next()).toBeNull();
    reader.close();
  }

  it('continues a growing pcap, including a record split in the middle', () => {
    const source = path.join(CAP, 'dns-udp__tcpdump__dns_udp.pcap');
    const all = readFile(source).packets;
    const size = fs.statSync(source).size;
    followInSteps(source, [24, 30, all[0].dataOffset + 3, all[1].dataOffset - 8, size - 7, size - 1]);
  });

  it('continues a growing pcapng, including a block split in the middle', () => {
    const source = path.join(CAP, 'fmt-pcapng-le-2if-comments__gopacket__le-test005.pcapng');
    const all = readFile(source).packets;
    followInSteps(source, [12, 40, all[0].dataOffset + 1, all[2].dataOffset - 20, all[3].dataOffset + 4]);
  });

  it('without follow, the same partial file is a fatal error', () => {
    const source = path.join(CAP, 'dns-udp__tcpdump__dns_udp.pcap');
    const all = readFile(source).packets;
    const file = path.join(tmp, 'partial.pcap');
    fs.writeFileSync(file, fs.readFileSync(source).subarray(0, all[1].dataOffset + 2));
    const reader = openCapture(file);
    expect(drain(reader).length).toBe(1);
    expect(reader.errors[0].message).toMatch(/^file ends in the middle of packet 2 \(record at byte offset \d+: needs \d+ bytes, 18 present\)$/);
  });
});
