/**
 * The stream view's handlers over an open capture (CaptureSession), as the engine worker runs them:
 * stream.sessionOf names tshark's tcp.stream / udp.stream of a packet, stream.follow pages (small pages, one
 * direction, the byte cap) add up to the whole stream, non-TCP/UDP sessions are refused, and stream.save writes
 * the stream's bytes (raw) and its ASCII view (text), compared with tshark's follow output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CAPS } from './logs-helpers';
import { CaptureSession } from '../../main/service/capture-session';
import { streamHandlers } from '../../main/service/views/stream';
import type { ViewContext } from '../../main/service/handler';
import type { StreamChunk } from '../../shared/views/stream';
import { asciiText } from '../../shared/follow-text';

const TSHARK = '/usr/bin/tshark';
const PIPELINED = 'http-pipelined__zeek__pipelined-requests.pcap';
const MIXED = 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng';

let tmp = '';
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-follow-svc-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function open(file: string): Promise<{ s: CaptureSession; h: ReturnType<typeof streamHandlers> }> {
  const s = new CaptureSession(path.join(CAPS, file), { follow: false }, () => undefined);
  while (s.indexing) await new Promise((r) => setTimeout(r, 5));
  const ctx: ViewContext = { current: () => s, session: () => s, policy: () => ({ root: tmp, allowPaths: true, downloads: false }) };
  return { s, h: streamHandlers(ctx) };
}

const signal = new AbortController().signal;

function tsharkRaw(file: string, stream: number): { dir: number; hex: string }[] {
  const out = execFileSync(TSHARK, ['-r', path.join(CAPS, file), '-q', '-z', `follow,tcp,raw,${stream}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Node 1: ')) + 1;
  return lines
    .slice(start)
    .filter((l) => l !== '' && !l.startsWith('==='))
    .map((l) => (l.startsWith('\t') ? { dir: 1, hex: l.slice(1) } : { dir: 0, hex: l }));
}

const hexOf = (c: StreamChunk): string => Buffer.from(c.data, 'base64').toString('hex');

describe('stream handlers', () => {
  it('sessionOf gives the packet its tshark tcp.stream / udp.stream, and nothing for ICMP', async () => {
    const { s, h } = await open(MIXED);
    const t = execFileSync(TSHARK, ['-r', path.join(CAPS, MIXED), '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'udp.stream', '-e', 'icmp.type'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let icmp = 0;
    for (const line of t.split('\n').filter(Boolean)) {
      const [n, tcp, udp, type] = line.split('\t');
      const r = await h['stream.sessionOf']({ number: Number(n) }, signal);
      if (type !== '' && type !== undefined) {
        icmp++;
        expect(r.session).toBeNull();
      } else if (tcp !== '') expect(r.filter).toBe(`tcp.stream eq ${tcp}`);
      else if (udp !== '') expect(r.filter).toBe(`udp.stream eq ${udp}`);
    }
    expect(icmp).toBeGreaterThan(0);
    s.close();
  });

  it('pages add up to the whole stream, in both and in one direction, and equal tshark', async () => {
    const { s, h } = await open(PIPELINED);
    const sid = (await h['stream.sessionOf']({ number: 4 }, signal)).session as number;
    const whole = await h['stream.follow']({ session: sid, direction: 'both', start: 0, count: 5000 }, signal);
    expect(whole.complete).toBe(true);
    expect(whole.chunks.length).toBe(whole.total);
    const theirs = tsharkRaw(PIPELINED, Number(/eq (\d+)/.exec(whole.filter)?.[1]));
    expect(whole.chunks.map((c) => ({ dir: c.dir, hex: hexOf(c) }))).toEqual(theirs);
    expect(whole.bytes).toEqual([0, 1].map((d) => theirs.filter((c) => c.dir === d).reduce((n, c) => n + c.hex.length / 2, 0)));

    const paged: StreamChunk[] = [];
    for (let start = 0; start < whole.total; start += 7) paged.push(...(await h['stream.follow']({ session: sid, direction: 'both', start, count: 7 }, signal)).chunks);
    expect(paged).toEqual(whole.chunks);

    const server = await h['stream.follow']({ session: sid, direction: 'server', start: 0, count: 5000 }, signal);
    expect(server.chunks).toEqual(whole.chunks.filter((c) => c.dir === 1));
    // Offsets count the bytes of the same direction before each chunk.
    let off = 0;
    for (const c of server.chunks) {
      expect(c.offset).toBe(off);
      off += Buffer.from(c.data, 'base64').length;
    }
    s.close();
  });

  it('refuses sessions that are not TCP or UDP, and ids that do not exist', async () => {
    const { s, h } = await open(MIXED);
    const icmp = Array.from({ length: s.index.sessions.count }, (_, i) => i).find((i) => s.index.sessions.proto[i] === 1);
    expect(icmp).toBeDefined();
    await expect(async () => h['stream.follow']({ session: icmp as number, direction: 'both', start: 0, count: 10 }, signal)).rejects.toThrow(/neither TCP nor UDP/);
    await expect(async () => h['stream.follow']({ session: 1_000_000, direction: 'both', start: 0, count: 10 }, signal)).rejects.toThrow(/no session/);
    s.close();
  });

  it('saves the raw bytes and the ASCII text of a direction', async () => {
    const { s, h } = await open(PIPELINED);
    const sid = (await h['stream.sessionOf']({ number: 4 }, signal)).session as number;
    const all = await h['stream.follow']({ session: sid, direction: 'client', start: 0, count: 5000 }, signal);
    const bytes = Buffer.concat(all.chunks.map((c) => Buffer.from(c.data, 'base64')));
    const bin = await h['stream.save']({ session: sid, direction: 'client', format: 'bin', path: path.join(tmp, 'c.bin') }, signal);
    expect(bin.written).toBe(bytes.length);
    expect(fs.readFileSync(path.join(tmp, 'c.bin')).equals(bytes)).toBe(true);
    const theirs = tsharkRaw(PIPELINED, Number(/eq (\d+)/.exec(all.filter)?.[1])).filter((c) => c.dir === 0);
    expect(bytes.toString('hex')).toBe(theirs.map((c) => c.hex).join(''));
    await h['stream.save']({ session: sid, direction: 'client', format: 'txt', path: path.join(tmp, 'c.txt') }, signal);
    expect(fs.readFileSync(path.join(tmp, 'c.txt'), 'latin1')).toBe(asciiText(new Uint8Array(bytes)));
    s.close();
  });
});
