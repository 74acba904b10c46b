import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../main/engine/readers/open';
import type { CaptureReader } from '../../main/engine/readers/record';
import { PcapWriter, PcapngWriter, writeAtomically } from '../../main/engine/writers';

const CAP = path.join(__dirname, '../fixtures/captures');
const SUITE = path.join(__dirname, '../fixtures/pcapng-suite');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelens-writers-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const hasTshark = fs.existsSync('/usr/bin/tshark');
const hasCapinfos = fs.existsSync('/usr/bin/capinfos');
if (!hasTshark) console.log('writers.test: /usr/bin/tshark not found, skipping the tshark check of written files');
if (!hasCapinfos) console.log('writers.test: /usr/bin/capinfos not found, skipping the capinfos check of written files');

interface Snap {
  tsSec: number;
  tsNsec: number;
  len: number;
  caplen: number;
  ifId: number;
  linkType: number;
  data: string;
  comments: string[] | undefined;
}

function drain(reader: CaptureReader): Snap[] {
  const out: Snap[] = [];
  for (let r = reader.next(); r !== null; r = reader.next()) {
    out.push({
      tsSec: r.tsSec,
      tsNsec: r.tsNsec,
      len: r.len,
      caplen: r.caplen,
      ifId: r.ifId,
      linkType: r.linkType,
      data: Buffer.from(r.data).toString('hex'),
      comments: r.comments,
    });
  }
  return out;
}

function read(file: string): { packets: Snap[]; reader: CaptureReader } {
  const reader = openCapture(file);
  const packets = drain(reader);
  reader.close();
  expect(reader.errors).toEqual([]);
  return { packets, reader };
}

/** Copies a capture to pcapng with our writer, straight from the reader's reused records. */
function toPcapng(source: string, target: string): void {
  const reader = openCapture(source);
  // Interfaces appear as IDBs are read; declare them up front by a first pass over the interfaces list.
  drain(reader);
  const interfaces = reader.interfaces;
  reader.close();
  const again = openCapture(source);
  const w = new PcapngWriter(target, { comments: reader.comments, application: 'wirelens test', interfaces });
  for (let r = again.next(); r !== null; r = again.next()) w.writePacket(r);
  w.close();
  again.close();
}

const PCAPNG_SOURCES = [
  path.join(CAP, 'fmt-pcapng-2if-ether-sll-nsec-comment__pcapplusplus__pcapng-example.pcapng'),
  path.join(CAP, 'fmt-pcapng-time-2106-overflow__tcpdump__time_2106_overflow.pcapng'),
  path.join(CAP, 'fmt-pcapng-2if-mixed-tsresol-dns__zeek__pcapng-multi-interface.pcapng'),
  path.join(SUITE, 'be/test202.pcapng'),
  path.join(SUITE, 'le/test902.pcapng'),
  path.join(CAP, 'fmt-pcap-be-nsec-http__pcapplusplus__nanosecs_big_endian.pcap'),
];

describe('PcapngWriter', () => {
  it.each(PCAPNG_SOURCES)('round-trips %s', (source) => {
    const target = path.join(tmp, `${path.basename(source)}.rt.pcapng`);
    toPcapng(source, target);
    const a = read(source);
    const b = read(target);
    expect(b.packets).toEqual(a.packets);
    expect(b.reader.comments).toEqual(a.reader.comments);
    expect(b.reader.interfaces.map((i) => [i.linkType, i.name, i.description, i.snaplen])).toEqual(
      a.reader.interfaces.map((i) => [i.linkType, i.name, i.description, i.snaplen]),
    );
    // Decimal source resolutions are kept (so even out-of-range times stay representable), others become ns.
    expect(b.reader.interfaces.map((i) => i.tsResolution)).toEqual(
      a.reader.interfaces.map((i) =>
        i.tsResolution.base === 10 && i.tsResolution.exponent <= 9 ? i.tsResolution : { base: 10, exponent: 9 },
      ),
    );
  });

  it('refuses a packet for an undeclared interface', () => {
    const w = new PcapngWriter(path.join(tmp, 'bad-if.pcapng'));
    expect(() => w.writePacket({ data: new Uint8Array(4), tsSec: 0, tsNsec: 0, ifId: 0 })).toThrow(/interface 0/);
    w.close();
  });
});

describe('PcapWriter', () => {
  it.each([
    ['fmt-pcap-be-nsec-http__pcapplusplus__nanosecs_big_endian.pcap', true],
    ['fmt-pcap-be-usec-netlink__pcapplusplus__microsecs_big_endian.pcap', false],
    ['link-sll-mixed__pcapplusplus__sll.pcap', false],
    ['quic-v2-sll__ndpi__quic-v2.pcapng', true],
  ] as const)('round-trips %s (ns=%s)', (name, nanosecond) => {
    const source = path.join(CAP, name);
    const a = read(source);
    const target = path.join(tmp, `${name}.rt.pcap`);
    const reader = openCapture(source);
    const w = new PcapWriter(target, { linkType: a.reader.interfaces[0].linkType, nanosecond });
    for (let r = reader.next(); r !== null; r = reader.next()) w.writePacket(r);
    w.close();
    reader.close();
    const b = read(target);
    expect(b.packets).toEqual(a.packets.map((p) => ({ ...p, comments: undefined })));
  });

  it('truncates to microseconds unless asked for nanoseconds', () => {
    const target = path.join(tmp, 'us.pcap');
    const w = new PcapWriter(target, { linkType: 1 });
    w.writePacket({ data: Uint8Array.of(1, 2, 3), tsSec: 10, tsNsec: 123_456_789, len: 60 });
    w.close();
    const { packets } = read(target);
    expect(packets).toEqual([
      { tsSec: 10, tsNsec: 123_456_000, len: 60, caplen: 3, ifId: 0, linkType: 1, data: '010203', comments: undefined },
    ]);
  });

  it('writes to a file descriptor it does not close', () => {
    const target = path.join(tmp, 'fd.pcap');
    const fd = fs.openSync(target, 'w');
    const w = new PcapWriter(fd, { linkType: 101, nanosecond: true });
    w.writePacket({ data: Uint8Array.of(0x45), tsSec: 1, tsNsec: 1 });
    w.close();
    fs.writeSync(fd, Buffer.alloc(0)); // still open
    fs.closeSync(fd);
    expect(read(target).packets.map((p) => [p.tsSec, p.tsNsec, p.linkType])).toEqual([[1, 1, 101]]);
  });
});

describe('writeAtomically', () => {
  it('renames a complete file into place', () => {
    const target = path.join(tmp, 'atomic.pcapng');
    fs.writeFileSync(target, 'old');
    const n = writeAtomically(target, (fd) => {
      const w = new PcapngWriter(fd, { interfaces: [{ linkType: 1, name: 'eth0' }] });
      w.writePacket({ data: new Uint8Array(60), tsSec: 5, tsNsec: 6, comments: ['hello'] });
      w.close();
      return w.count;
    });
    expect(n).toBe(1);
    const { packets, reader } = read(target);
    expect(packets[0].comments).toEqual(['hello']);
    expect(reader.interfaces[0].name).toBe('eth0');
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves the old file and no temporary file behind on error', () => {
    const target = path.join(tmp, 'atomic-fail.pcap');
    fs.writeFileSync(target, 'old');
    expect(() =>
      writeAtomically(target, (fd) => {
        new PcapWriter(fd, { linkType: 1 }).flush();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('written files are valid for Wireshark tools', () => {
  it.skipIf(!hasTshark)('tshark reads our pcapng and pcap with the same timestamps', () => {
    const source = PCAPNG_SOURCES[0];
    const ng = path.join(tmp, 'tshark-check.pcapng');
    toPcapng(source, ng);
    const pc = path.join(tmp, 'tshark-check.pcap');
    const reader = openCapture(path.join(CAP, 'fmt-pcap-be-nsec-http__pcapplusplus__nanosecs_big_endian.pcap'));
    const w = new PcapWriter(pc, { linkType: 1, nanosecond: true });
    const expectedPcap: string[] = [];
    for (let r = reader.next(); r !== null; r = reader.next()) {
      w.writePacket(r);
      expectedPcap.push(`${r.tsSec}.${String(r.tsNsec).padStart(9, '0')}\t${r.len}\t${r.caplen}`);
    }
    w.close();
    reader.close();
    const fields = (file: string): string[] =>
      execFileSync('/usr/bin/tshark', ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'frame.comment'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      })
        .split('\n')
        .filter((l) => l.length > 0);
    expect(fields(pc).map((l) => l.replace(/\t$/, ''))).toEqual(expectedPcap);
    const ours = read(ng).packets;
    const lines = fields(ng);
    expect(lines.length).toBe(ours.length);
    lines.forEach((line, i) => {
      const [time, len, caplen, comment] = line.split('\t');
      expect(time).toBe(`${ours[i].tsSec}.${String(ours[i].tsNsec).padStart(9, '0')}`);
      expect([Number(len), Number(caplen)]).toEqual([ours[i].len, ours[i].caplen]);
      expect(comment !== undefined && comment !== '').toBe(ours[i].comments !== undefined);
    });
  });

  it.skipIf(!hasCapinfos)('capinfos accepts our files and counts the packets', () => {
    const ng = path.join(tmp, 'capinfos-check.pcapng');
    toPcapng(path.join(SUITE, 'le/test202.pcapng'), ng);
    const out = execFileSync('/usr/bin/capinfos', ['-c', '-I', ng], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/Number of packets:\s+8\b/);
  });
});
