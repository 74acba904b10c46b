/**
 * The split's parts: the block cache returns exactly the file's bytes for any read (inside a block, across
 * block boundaries, at the short last block); tar entries with names longer than ustar holds (pax headers)
 * unpack with the system tar; file names carry no character a file system may refuse; IP fragments go to the
 * session of the datagram they were reassembled into (tshark's ip.reassembled_in).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { openCapture } from '../../main/engine/readers/open';
import { SourceBlocks } from '../../main/engine/split/source-blocks';
import { TarSink } from '../../main/engine/split/unit-sinks';
import { SessionFileNames } from '../../main/engine/split/session-file-names';
import { planSplit } from '../../main/engine/split/split-plan';

const CAPS = path.join(__dirname, '../fixtures/captures');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelens-split-parts-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('SourceBlocks', () => {
  it('reads what the file holds, for any offset and length', () => {
    const file = path.join(work, 'blob.bin');
    const data = randomBytes(3 * (1 << 20) + 12345);
    fs.writeFileSync(file, data);
    const src = new SourceBlocks(file);
    const out = Buffer.alloc(70000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: data.length - 1 }), fc.integer({ min: 0, max: 65536 }), fc.integer({ min: 0, max: 4000 }), (off, len, at) => {
        const n = Math.min(len, data.length - off);
        src.read(out, at, n, off);
        expect(out.subarray(at, at + n).equals(data.subarray(off, off + n))).toBe(true);
      }),
      { numRuns: 3000 },
    );
    // Straddling the first block boundary, and the last bytes of the file.
    src.read(out, 0, 100, (1 << 20) - 50);
    expect(out.subarray(0, 100).equals(data.subarray((1 << 20) - 50, (1 << 20) + 50))).toBe(true);
    src.read(out, 0, 10, data.length - 10);
    expect(out.subarray(0, 10).equals(data.subarray(data.length - 10))).toBe(true);
    expect(() => src.read(out, 0, 10, data.length - 5)).toThrow(/ended/);
    src.close();
  });
});

describe('tar entries', () => {
  it('the system tar unpacks long names (pax) and exact contents', () => {
    const tar = path.join(work, 'long.tar');
    const fd = fs.openSync(tar, 'w');
    const sink = new TarSink(fd, 'folder');
    const entries: [string, Buffer][] = [
      ['short.pcap', randomBytes(1000)],
      [`TCP_${'2001-db8-aaaa-bbbb-cccc-dddd-eeee-ffff'}_443_${'2001-db8-1111-2222-3333-4444-5555-6666'}_51000_12.pcapng`, randomBytes(512)],
      ['x'.repeat(240) + '.pcap', Buffer.alloc(0)],
    ];
    for (const [name, body] of entries) {
      sink.begin(name, body.length);
      sink.out.write(body);
      sink.end();
    }
    sink.finish();
    fs.closeSync(fd);
    const dir = fs.mkdtempSync(path.join(work, 'x-'));
    const r = spawnSync('tar', ['-xf', tar, '-C', dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'folder')).sort()).toEqual(entries.map((e) => e[0]).sort());
    for (const [name, body] of entries) expect(fs.readFileSync(path.join(dir, 'folder', name)).equals(body)).toBe(true);
  });
});

describe('session file names', () => {
  it('IPv6 addresses become names with only letters, digits, dots, dashes and underscores', () => {
    const file = path.join(CAPS, 'link-rawip-ipv6-http-4streams__pcapplusplus__four_ipv6_http_streams.pcap');
    const idx = new CaptureIndex(openCapture(file));
    idx.runToEnd();
    const names = new SessionFileNames(idx);
    const all = Array.from({ length: idx.sessions.count }, (_, sid) => names.next(sid, 'pcap'));
    for (const n of all) expect(n).toMatch(/^(TCP|UDP|ICMPV6)_[0-9a-f.-]+_\d+_[0-9a-f.-]+_\d+(_\d+)?\.pcap$/);
    expect(new Set(all).size).toBe(all.length);
    expect(names.next(-1, 'pcap')).toBe('unassigned.pcap');
  });
});

const hasTshark = fs.existsSync('/usr/bin/tshark');
if (!hasTshark) console.log('split-parts: /usr/bin/tshark not found: the fragment check is skipped');

describe.skipIf(!hasTshark)('fragments follow their datagram', () => {
  for (const name of ['ipv4-frag-nfs__pcapplusplus__ip4_fragments.pcap', 'ipv6-frag-udp__pcapplusplus__ip6_fragments.pcap', 'dns-frag-v4-v6-tcp__ndpi__dns_fragmented.pcap']) {
    it(name, () => {
      const file = path.join(CAPS, name);
      const idx = new CaptureIndex(openCapture(file));
      idx.runToEnd();
      const plan = planSplit(idx, { matching: null, tcpFromHandshake: false, unassigned: true });
      // tshark (two passes, so earlier fragments know): which frame each fragment was reassembled in.
      const r = spawnSync('tshark', ['-2', '-r', file, '-T', 'fields', '-E', 'occurrence=f', '-e', 'frame.number', '-e', 'ip.reassembled_in', '-e', 'ipv6.reassembled.in'], { encoding: 'utf8' });
      const into = new Map<number, number>();
      for (const line of r.stdout.split('\n').filter(Boolean)) {
        const [n, v4, v6] = line.split('\t');
        const target = Number(v4 || v6 || 0);
        if (target > 0 && target !== Number(n)) into.set(Number(n), target);
      }
      expect(into.size).toBeGreaterThan(0);
      const unitOf = new Map<number, number>();
      for (let u = 0; u < plan.unitSession.length; u++) {
        for (let k = plan.unitStart[u] as number; k < (plan.unitStart[u + 1] as number); k++) unitOf.set((plan.order[k] as number) + 1, plan.unitSession[u] as number);
      }
      let checked = 0;
      for (const [frag, target] of into) {
        const sid = idx.store.session[target - 1] as number;
        if (sid < 0) continue;
        expect(unitOf.get(frag), `fragment ${frag} of datagram in frame ${target}`).toBe(sid);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});
