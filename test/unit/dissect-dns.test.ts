/**
 * DNS decoder on crafted messages: compression guards (loops, forward pointers, overlong names), absurd
 * counts and lengths (problems, not exceptions), SVCB/HTTPS parameters, EDNS0 options, mDNS/LLMNR flavours,
 * DNS over TCP framing and the engine-side query/response matching.
 */
import { describe, expect, it } from 'vitest';
import { dissectFrame } from '../../main/engine/dissect/frame';
import { Dissection, MODE_INDEX, MODE_SUMMARY, MODE_TREE } from '../../main/engine/dissect/dissection';
import { dnsTcp } from '../../main/engine/dissect/protocols/dns';
import { newNameResult, readName, NAME_BAD_POINTER, NAME_OK, NAME_TOO_LONG } from '../../main/engine/dissect/protocols/dns-names';
import { createAppState } from '../../main/engine/dissect/protocols/dns-transactions';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { concat, ether, hex, ipv4, u16, u32, udp } from './helpers/pcap-lite';

function run(frame: Uint8Array, mode: number, number = 1, d = new Dissection()): Dissection {
  d.reset(frame, mode);
  d.frame.number = number;
  d.frame.caplen = frame.length;
  d.frame.len = frame.length;
  d.frame.linkType = 1;
  dissectFrame(d);
  return d;
}

function values(d: Dissection, name: string): string[] {
  const out: string[] = [];
  const walk = (nodes: TreeNode[] | null): void => {
    for (const n of nodes ?? []) {
      if (n.field.name === name) out.push(String(n.value));
      walk(n.children);
    }
  };
  walk(d.tree);
  return out;
}

function qname(name: string): number[] {
  const out: number[] = [];
  for (const l of name.split('.')) {
    if (!l) continue;
    out.push(l.length, ...Array.from(l, (c) => c.charCodeAt(0)));
  }
  out.push(0);
  return out;
}

function dnsUdp(msg: Uint8Array, sport = 40000, dport = 53): Uint8Array {
  return ether(0x0800, ipv4(17, udp(sport, dport, msg)));
}

const QUERY = concat(u16(0x1234), u16(0x0100), u16(1), u16(0), u16(0), u16(0), qname('www.example.com'), u16(1), u16(1));

describe('DNS header, questions and answers', () => {
  it('writes tshark-style Info for a query and a response with a CNAME chain', () => {
    expect(run(dnsUdp(QUERY), MODE_SUMMARY).info).toBe('Standard query 0x1234 A www.example.com');
    // Answer 1: www.example.com (pointer to 12) CNAME x.example.com (label x + pointer to "example.com" at 16).
    const resp = concat(
      u16(0x1234), u16(0x8180), u16(1), u16(2), u16(0), u16(0),
      qname('www.example.com'), u16(1), u16(1),
      [0xc0, 12], u16(5), u16(1), u32(300), u16(4), [1, 0x78, 0xc0, 16],
      [0xc0, 33], u16(1), u16(1), u32(60), u16(4), [1, 2, 3, 4],
    );
    const d = run(dnsUdp(resp, 53, 40000), MODE_TREE);
    expect(d.info).toBe('Standard query response 0x1234 A www.example.com CNAME x.example.com A 1.2.3.4');
    expect(values(d, 'dns.cname')).toEqual(['x.example.com']);
    expect(values(d, 'dns.a')).toEqual(['1.2.3.4']);
    expect(values(d, 'dns.resp.ttl')).toEqual(['300', '60']);
    expect(d.protocolName()).toBe('DNS');
  });

  it('names the rcode of an error response', () => {
    const nx = concat(u16(0x0005), u16(0x8183), u16(1), u16(0), u16(0), u16(0), qname('nope.example'), u16(28), u16(1));
    expect(run(dnsUdp(nx, 53, 40000), MODE_SUMMARY).info).toBe('Standard query response 0x0005 No such name AAAA nope.example');
  });

  it('reads MX, SRV, TXT, SOA and PTR data', () => {
    const rr = (type: number, data: number[]): number[] => [0xc0, 12, ...u16(type), ...u16(1), ...u32(10), ...u16(data.length), ...data];
    const msg = concat(
      u16(7), u16(0x8400), u16(1), u16(5), u16(0), u16(0), qname('example.com'), u16(255), u16(1),
      rr(15, [...u16(10), ...qname('mail.example.com')]),
      rr(33, [...u16(1), ...u16(2), ...u16(5060), ...qname('sip.example.com')]),
      rr(16, [5, ...Array.from('hello', (c) => c.charCodeAt(0)), 2, 0x68, 0x69]),
      rr(6, [...qname('ns.example.com'), ...qname('admin.example.com'), ...u32(2024), ...u32(1), ...u32(2), ...u32(3), ...u32(4)]),
      rr(12, qname('host.example.com')),
    );
    const d = run(dnsUdp(msg, 53, 40000), MODE_TREE);
    expect(d.info).toBe('Standard query response 0x0007 ANY example.com MX 10 mail.example.com SRV 1 2 5060 sip.example.com TXT SOA ns.example.com PTR host.example.com');
    expect(values(d, 'dns.txt')).toEqual(['hello', 'hi']);
    expect(values(d, 'dns.soa.serial_number')).toEqual(['2024']);
    expect(values(d, 'dns.srv.port')).toEqual(['5060']);
    expect(values(d, 'dns.ptr.domain_name')).toEqual(['host.example.com']);
    expect(d.problems).toEqual([]);
  });

  it('decodes HTTPS/SVCB parameters and EDNS0 options', () => {
    const svc = [
      ...u16(1), 0, // priority 1, target "." (root)
      ...u16(1), ...u16(6), 2, 0x68, 0x32, 2, 0x68, 0x33, // alpn=h2,h3
      ...u16(4), ...u16(8), 1, 2, 3, 4, 5, 6, 7, 8, // ipv4hint
      ...u16(5), ...u16(3), 0xaa, 0xbb, 0xcc, // ech
      ...u16(6), ...u16(16), ...Array.from(hex('20010db8000000000000000000000001')), // ipv6hint
    ];
    const opt = [
      0, ...u16(41), ...u16(1232), 0, 0, 0x80, 0, // DO set
      ...u16(12 + 11 + 6 + 8), // rdlen
      ...u16(10), ...u16(8), 1, 2, 3, 4, 5, 6, 7, 8, // cookie (client only)
      ...u16(8), ...u16(7), ...u16(1), 24, 0, 192, 0, 2, // client subnet 192.0.2.0/24
      ...u16(11), ...u16(2), ...u16(300), // keepalive 30 s
      ...u16(12), ...u16(4), 0, 0, 0, 0, // padding
    ];
    const msg = concat(
      u16(9), u16(0x8180), u16(1), u16(1), u16(0), u16(1), qname('svc.example'), u16(65), u16(1),
      [0xc0, 12, ...u16(65), ...u16(1), ...u32(60), ...u16(svc.length), ...svc],
      opt,
    );
    const d = run(dnsUdp(msg, 53, 40000), MODE_TREE);
    expect(d.info).toBe('Standard query response 0x0009 HTTPS svc.example HTTPS OPT');
    expect(values(d, 'dns.svcb.svcparam.alpn')).toEqual(['h2', 'h3']);
    expect(values(d, 'dns.svcb.svcparam.ipv4hint.ip')).toEqual(['1.2.3.4', '5.6.7.8']);
    expect(values(d, 'dns.svcb.svcparam.ipv6hint.ip')).toEqual(['2001:db8::1']);
    expect(values(d, 'dns.svcb.svcparam.echconfig')).toHaveLength(1);
    expect(values(d, 'dns.rr.udp_payload_size')).toEqual(['1232']);
    expect(values(d, 'dns.resp.z.do')).toEqual(['true']);
    expect(values(d, 'dns.opt.client.addr4')).toEqual(['192.0.2.0']);
    expect(values(d, 'dns.opt.edns_tcp_keepalive.timeout')).toEqual(['300']);
    expect(values(d, 'dns.opt.cookie.client')).toHaveLength(1);
    expect(d.problems).toEqual([]);
  });
});

describe('DNS compression and length guards', () => {
  const header = (qd: number): number[] => [...u16(1), ...u16(0), ...u16(qd), ...u16(0), ...u16(0), ...u16(0)];

  it('rejects self, forward and mutual pointers without looping', () => {
    const r = newNameResult();
    // Self pointer at 12.
    let m = Uint8Array.from([...header(1), 0xc0, 12, 0, 1, 0, 1]);
    readName(m, 0, m.length, 12, r);
    expect(r.error).toBe(NAME_BAD_POINTER);
    // Forward pointer to 16.
    m = Uint8Array.from([...header(1), 0xc0, 16, 0, 1, 1, 0x61, 0]);
    readName(m, 0, m.length, 12, r);
    expect(r.error).toBe(NAME_BAD_POINTER);
    // a -> pointer to 12 (its own start): a loop through a label.
    m = Uint8Array.from([...header(1), 1, 0x61, 0xc0, 12]);
    readName(m, 0, m.length, 12, r);
    expect(r.error).toBe(NAME_BAD_POINTER);
    // A legitimate backward chain still works.
    m = Uint8Array.from([...header(2), 1, 0x62, 0, 1, 0x61, 0xc0, 12]);
    readName(m, 0, m.length, 15, r);
    expect(r.error).toBe(NAME_OK);
    expect(r.name).toBe('a.b');
    expect(r.next).toBe(m.length);
  });

  it('stops names at 255 characters but finds where they end', () => {
    const labels: number[] = [];
    for (let i = 0; i < 5; i++) labels.push(63, ...new Array<number>(63).fill(0x61));
    const m = Uint8Array.from([...header(1), ...labels, 0, 0, 1, 0, 1]);
    const r = newNameResult();
    readName(m, 0, m.length, 12, r);
    expect(r.error).toBe(NAME_TOO_LONG);
    expect(r.name).toBe('<Name too long>');
    expect(r.next).toBe(12 + labels.length + 1);
  });

  it('turns absurd counts and record lengths into problems, in every mode', () => {
    const absurd = concat(u16(1), u16(0x8180), u16(0xffff), u16(0xffff), u16(0xffff), u16(0xffff), qname('a.b'), u16(1), u16(1));
    const badRd = concat(u16(2), u16(0x8180), u16(0), u16(1), u16(0), u16(0), [0, ...u16(1), ...u16(1), ...u32(1), ...u16(60000), 1, 2, 3, 4]);
    const loops = Uint8Array.from([...header(3), 0xc0, 12, 0, 1, 0, 1, 0xc0, 18, 0, 1, 0, 1, 0xc0, 0xff]);
    for (const msg of [absurd, badRd, loops]) {
      for (const mode of [MODE_INDEX, MODE_SUMMARY, MODE_TREE]) {
        const d = run(dnsUdp(msg), mode);
        expect(d.protocolName()).toBe('DNS');
        if (mode !== MODE_INDEX) expect(d.problems.length).toBeGreaterThan(0);
      }
    }
    expect(run(dnsUdp(absurd), MODE_SUMMARY).info).toBe('Standard query response 0x0001 A a.b[Malformed Packet]');
  });
});

describe('mDNS, LLMNR and DNS over TCP', () => {
  it('marks QU questions and cache-flush records in mDNS', () => {
    const msg = concat(
      u16(0), u16(0x8400), u16(1), u16(1), u16(0), u16(0), qname('host.local'), u16(1), u16(0x8001),
      [0xc0, 12, ...u16(1), ...u16(0x8001), ...u32(120), ...u16(4), 10, 0, 0, 2],
    );
    const d = run(dnsUdp(msg, 5353, 5353), MODE_SUMMARY);
    expect(d.protocolName()).toBe('MDNS');
    expect(d.info).toBe('Standard query response 0x0000 A host.local, "QU" question A, cache flush 10.0.0.2');
  });

  it('names LLMNR', () => {
    const msg = concat(u16(0xa706), u16(0), u16(1), u16(0), u16(0), u16(0), qname('wpad'), u16(1), u16(1));
    const d = run(dnsUdp(msg, 50000, 5355), MODE_SUMMARY);
    expect(d.protocolName()).toBe('LLMNR');
    expect(d.info).toBe('Standard query 0xa706 A wpad');
  });

  it('frames TCP messages by their 2-byte length', () => {
    const framed = concat(u16(QUERY.length), QUERY, u16(QUERY.length), QUERY);
    expect(dnsTcp.messageLength(framed, 0, 1)).toBe(0);
    expect(dnsTcp.messageLength(framed, 0, framed.length)).toBe(2 + QUERY.length);
    expect(dnsTcp.messageLength(framed, 2 + QUERY.length, framed.length)).toBe(2 + QUERY.length);
  });
});

describe('DNS query/response matching (engine-owned state)', () => {
  it('pairs by session and id, finds later responses on re-dissection, and keeps retransmissions on the first query', () => {
    const resp = concat(u16(0x1234), u16(0x8180), u16(1), u16(1), u16(0), u16(0), qname('www.example.com'), u16(1), u16(1), [0xc0, 12, ...u16(1), ...u16(1), ...u32(5), ...u16(4), 9, 9, 9, 9]);
    const frames = [dnsUdp(QUERY), dnsUdp(QUERY), dnsUdp(resp, 53, 40000)];
    const state = createAppState();
    const sessions = { onTransport: (x: Dissection): void => void (x.sessionId = 7) };
    const idx = new Dissection();
    idx.hooks = sessions;
    idx.appState = state;
    frames.forEach((f, i) => {
      idx.frame.tsSec = 100 + i;
      idx.frame.tsNsec = 0;
      run(f, MODE_INDEX, i + 1, idx);
    });
    const view = new Dissection();
    view.hooks = sessions;
    view.appState = state;
    const q = run(frames[0] as Uint8Array, MODE_TREE, 1, view);
    expect(values(q, 'dns.response_in')).toEqual(['3']);
    const r = run(frames[2] as Uint8Array, MODE_TREE, 3, view);
    expect(values(r, 'dns.response_to')).toEqual(['1']);
    // Re-dissection reads what the index pass learnt (the stored times), not the view's clock.
    expect(values(r, 'dns.time')).toEqual(['2']);
  });
});
