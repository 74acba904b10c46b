/**
 * Property tests: application payloads taken from real fixtures (DNS, mDNS, LLMNR, HTTP, DHCP, NTP), mutated
 * (byte flips, cuts, inserted bytes, DNS compression pointers aimed anywhere, counts and lengths set to
 * absurd values), never make a decoder throw, in any mode, with and without the matching state. The
 * decoders are called directly so that an exception is not hidden by dissectFrame's safety net.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Dissection, MODE_INDEX, MODE_SUMMARY, MODE_TREE } from '../../main/engine/dissect/dissection';
import { dissectFrame } from '../../main/engine/dissect/frame';
import { dissectDnsMessage, dnsTcp, FLAVOR_DNS, FLAVOR_LLMNR, FLAVOR_MDNS } from '../../main/engine/dissect/protocols/dns';
import { dissectHttpMessage, httpMessageLength } from '../../main/engine/dissect/protocols/http';
import { dissectDhcp } from '../../main/engine/dissect/protocols/dhcp';
import { dissectNtp } from '../../main/engine/dissect/protocols/ntp';
import { createAppState } from '../../main/engine/dissect/protocols/dns-transactions';
import { readCapture } from './helpers/pcap-lite';

type Decode = (d: Dissection, off: number, end: number) => void;

interface Sample {
  payload: Uint8Array;
  decode: Decode;
  kind: string;
}

const ROOT = join(__dirname, '..', 'fixtures');
const SOURCES = [
  join(ROOT, 'captures', 'dns-many-mdns-llmnr__pcapplusplus__DnsPackets.pcap'),
  join(ROOT, 'captures', 'dns-tcp-edns-keepalive__zeek__dns-edns-tcp-keepalive.pcap'),
  join(ROOT, 'captures', 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng'),
  join(ROOT, 'captures', 'http-pipelined__zeek__pipelined-requests.pcap'),
  join(ROOT, 'captures', 'link-null-loopback-http__gopacket__test_loopback.pcap'),
  join(ROOT, 'tcpdump', 'dhcp-rfc3004.pcap'),
  join(ROOT, 'tcpdump', 'edns-opts.pcap'),
  join(ROOT, 'tcpdump', 'ntp.pcap'),
];

/** Application payloads of the fixtures, found by a full dissection (payloadOff/End and the ports). */
function samples(): Sample[] {
  const out: Sample[] = [];
  const d = new Dissection();
  for (const path of SOURCES) {
    for (const f of readCapture(path)) {
      if (!f.packet) continue;
      d.reset(f.data, MODE_INDEX);
      d.frame.linkType = f.meta.linkType;
      d.frame.caplen = f.meta.caplen;
      d.frame.len = f.meta.len;
      dissectFrame(d);
      if (d.payloadEnd <= d.payloadOff) continue;
      const payload = d.buf.slice(d.payloadOff, d.payloadEnd);
      const ports = [d.sport, d.dport];
      const tcp = d.ipProto === 6;
      let decode: Decode | null = null;
      let kind = '';
      if (ports.includes(53)) {
        decode = tcp ? dnsTcp.decode : (x, o, e): void => dissectDnsMessage(x, o, e, FLAVOR_DNS, false);
        kind = tcp ? 'dns-tcp' : 'dns';
      } else if (ports.includes(5353)) {
        decode = (x, o, e): void => dissectDnsMessage(x, o, e, FLAVOR_MDNS, false);
        kind = 'mdns';
      } else if (ports.includes(5355)) {
        decode = (x, o, e): void => dissectDnsMessage(x, o, e, FLAVOR_LLMNR, false);
        kind = 'llmnr';
      } else if (tcp && (ports.includes(80) || ports.includes(8080))) {
        decode = dissectHttpMessage;
        kind = 'http';
      } else if (ports.includes(67)) {
        decode = dissectDhcp;
        kind = 'dhcp';
      } else if (ports.includes(123)) {
        decode = dissectNtp;
        kind = 'ntp';
      }
      if (decode !== null) out.push({ payload, decode, kind });
    }
  }
  return out;
}

const all = samples();

const mutation = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat(), value: fc.constant(0) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  // A compression pointer (0xc0 xx) written anywhere: forward, backward, self, into the header.
  fc.record({ op: fc.constant('pointer' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 0x3fff }) }),
  // A 16-bit count or length field set to something absurd.
  fc.record({ op: fc.constant('u16' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x7fff, 0xffff) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(src: Uint8Array, muts: Mutation[]): Uint8Array {
  let b = Uint8Array.from(src);
  for (const m of muts) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.op === 'flip' && b.length > 0) b[at] = m.value;
    else if (m.op === 'cut') b = b.slice(0, at);
    else if (m.op === 'insert') b = Uint8Array.from([...b.subarray(0, at), m.value, ...b.subarray(at)]);
    else if (m.op === 'pointer' && at + 1 < b.length) {
      b[at] = 0xc0 | (m.value >> 8);
      b[at + 1] = m.value & 0xff;
    } else if (m.op === 'u16' && at + 1 < b.length) {
      b[at] = m.value >> 8;
      b[at + 1] = m.value & 0xff;
    }
  }
  return b;
}

describe('application decoders never throw on mutated real payloads', () => {
  it('found samples of every protocol', () => {
    const kinds = new Set(all.map((s) => s.kind));
    for (const k of ['dns', 'dns-tcp', 'mdns', 'llmnr', 'http', 'dhcp', 'ntp']) expect(kinds.has(k), k).toBe(true);
  });

  it('holds for every mode', () => {
    fc.assert(
      fc.property(fc.nat({ max: all.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), (i, muts, withState) => {
        const s = all[i] as Sample;
        const bytes = mutate(s.payload, muts);
        for (const mode of [MODE_INDEX, MODE_SUMMARY, MODE_TREE]) {
          const d = new Dissection();
          d.reset(bytes, mode);
          d.frame.number = 1;
          d.frame.caplen = bytes.length;
          d.frame.len = bytes.length;
          d.sessionId = 1;
          if (withState) d.appState = createAppState();
          s.decode(d, 0, bytes.length);
          if (mode === MODE_SUMMARY) expect(typeof d.info).toBe('string');
        }
        // Framing functions too: any answer is a number, never an exception.
        expect(typeof httpMessageLength(bytes, 0, bytes.length)).toBe('number');
        expect(typeof dnsTcp.messageLength(bytes, 0, bytes.length)).toBe('number');
      }),
      { numRuns: 3000 },
    );
  });

  it('survives random bytes as DNS, with deep pointer chains', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (bytes) => {
        for (const mode of [MODE_INDEX, MODE_SUMMARY, MODE_TREE]) {
          const d = new Dissection();
          d.reset(bytes, mode);
          dissectDnsMessage(d, 0, bytes.length, FLAVOR_MDNS, false);
          dissectHttpMessage(d, 0, bytes.length);
          dissectDhcp(d, 0, bytes.length);
          dissectNtp(d, 0, bytes.length);
        }
      }),
      { numRuns: 1500 },
    );
    // A long chain of backward pointers: each answer's owner is "a" + a pointer to the previous owner
    // (legal compression), 2000 deep, so later names pass 255 characters.
    const n = 2000;
    const parts: number[] = [0, 1, 0x84, 0, 0, 0, n >> 8, n & 0xff, 0, 0, 0, 0];
    const rest = [0, 10, 0, 1, 0, 0, 0, 0, 0, 0]; // type NULL, class IN, ttl 0, rdlength 0
    let prev = parts.length;
    parts.push(1, 0x61, 0, ...rest);
    for (let i = 1; i < n; i++) {
      const here = parts.length;
      parts.push(1, 0x61, 0xc0 | (prev >> 8), prev & 0xff, ...rest);
      prev = here;
    }
    const msg = Uint8Array.from(parts);
    const d = new Dissection();
    d.reset(msg, MODE_TREE);
    const t0 = performance.now();
    dissectDnsMessage(d, 0, msg.length, FLAVOR_DNS, false);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(d.info.startsWith('Standard query response 0x0001 NULL NULL')).toBe(true);
    expect(JSON.stringify(d.tree, (k, v: unknown) => (k === 'field' ? undefined : v))).toContain('<Name too long>');
  });
});
