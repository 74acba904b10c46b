/**
 * Protocol hierarchy against `tshark -q -z io,phs`, frames and bytes per node.
 *
 * Fixtures in EXACT must match tshark's tree node for node. Every other fixture is compared after a
 * normalisation of tshark's tree that removes what we knowingly do not model (each rule is one documented
 * divergence):
 *  - "tcp.segments" nodes (tshark's reassembly pseudo-layer) are removed, their children moved up;
 *  - a layer repeated directly under itself (quic:quic for coalesced QUIC packets, rtcp:rtcp for compound
 *    RTCP, tls:tls) is merged into its parent: we count a protocol once per level;
 *  - protocols we do not dissect become "data" under a transport or network layer (tshark's ssh, nbns,
 *    megaco … vs. our undecoded payload), and are dropped (with their subtree) elsewhere (http media types
 *    such as data-text-lines, png; cdp under llc; tls inside quic).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flattenPhs, haveTshark, indexCapture, treeOf, tshark, tsharkPhs, type PhsNode } from './stats-oracle';

const CAPTURES = join(__dirname, '../fixtures/captures');
const files = readdirSync(CAPTURES).filter((f) => !f.startsWith('.'));

/** Layer names our hierarchy can produce (written out here, independently of layer-names.ts). */
const OURS = new Set(
  (
    'eth vlan ieee8021ad sll null raw netlink radiotap llc arp ip ipv6 mipv6 tcp udp udplite icmp icmpv6 igmp gre esp ah ospf pim vrrp sctp ' +
    'pkt_comment dns mdns llmnr tls quic http xml json ntp dhcp sip sdp rtp rtpevent rtcp data _ws.short _ws.malformed'
  ).split(' '),
);
const CARRIERS = new Set(['ip', 'ipv6', 'tcp', 'udp', 'udplite', 'eth', 'sll', 'null', 'raw', 'vlan', 'netlink', 'radiotap']);

/** Fixtures where tshark's tree must be reproduced exactly, without normalisation. */
const EXACT = [
  'dns-udp__tcpdump__dns_udp.pcap',
  'icmp-echo__zeek__5-pings.pcap',
  'arp__zeek__arp.pcap',
  'vlan-8021q-icmp-arp__zeek__icmp_dot1q.pcap',
  'dns-many-mdns-llmnr__pcapplusplus__DnsPackets.pcap',
  'dns-frag-v4-v6-tcp__ndpi__dns_fragmented.pcap',
  'ipv4-frag-vlan-padding__pcapplusplus__frag_with_padding.pcap',
  'ipv6-hbh-dstopts__pcapplusplus__ipv6_options.pcap',
  'link-raw-ipv4-dns__tcpdump__LINKTYPE_RAW_ipv4.pcap',
  'link-ipv6-229-dns__tcpdump__LINKTYPE_IPV6.pcap',
  'sip-tcp-register-401__suricata-verify__sip.pcap',
  'tls12-handshake-sni__zeek__tls12-decryption.pcap',
  'link-sll2-tls__pcapplusplus__sll2.pcap',
  'ipv6-frag-dns__zeek__ipv6-fragmented-dns.pcap',
  'link-sll2-arp-icmp-icmpv6__zeek__linux_dlt_sll2.pcap',
  'dns-tcp__tcpdump__dns_tcp.pcap',
  'tcp-retransmit-fast__zeek__retransmit-fast009.pcap',
  'trunc-ipv4-header__zeek__ip4-trunc.pcap',
];

/**
 * Files whose remaining differences are in what a dissector decides, not in the hierarchy: compared down to
 * the transport layer (link / network / transport frames and bytes must still agree).
 */
const DISSECTOR_DIVERGES: Record<string, string> = {
  'fmt-pcapng-2if-ether-sll-nsec-comment__pcapplusplus__pcapng-example.pcapng':
    'X11 (not dissected) over snapped segments: tshark shows cut TCP payloads as tcp:_ws.short, TLS records in segments',
  'fmt-pcapng-le-2if-comments__gopacket__le-test005.pcapng': 'our DHCP decoder does not flag snapped DHCP as _ws.short',
  'http1-many-requests__foxio-ja4__http1.pcapng': 'tshark follows HTTP on a non-standard port; a 206 body is http:data',
  'ipv6-dstopts-mobility__zeek__ipv6-mobility-dst-opts.pcap': 'malformed-packet decisions differ',
  'ipv6-hbh-routing0-dns__zeek__ipv6-hbh-routing0.pcap': 'tshark finds the DNS message malformed, we decode it',
  'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng': 'TLS records completed inside "segment of a reassembled PDU" frames',
  'mixed-real-traffic__zui__sample.pcapng': 'TLS records completed inside "segment of a reassembled PDU" frames',
  'tls-clienthello-split-mtu300__suricata-verify__dump_mtu300.pcap': 'TLS records completed inside "segment of a reassembled PDU" frames',
  'sip-udp-invite-t38-rtp__ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap': 'RTP found by different heuristics (tshark needs the SDP, we also match RTP headers)',
};
/** Files that tshark reads differently (its frames are not ours): nothing to compare. */
const READER_DIVERGES: Record<string, string> = {
  'bad-pcap-damaged-record__suricata-verify__fuzz.pcap': 'tshark reads this damaged file as another pcap variant',
  'fmt-pcapng-be-3sections-5if__gopacket__be-test202.pcapng': 'tshark shows pcapng custom blocks as frames',
  'fmt-pcapng-le-perpacket-linktypes__gopacket__le-test102.pcapng': 'tshark shows pcapng custom blocks as frames',
};

function merge(into: PhsNode[], node: PhsNode): void {
  const same = into.find((n) => n.name === node.name);
  if (!same) {
    into.push(node);
    return;
  }
  same.frames += node.frames;
  same.bytes += node.bytes;
  for (const c of node.children) merge(same.children, c);
}

function normalize(nodes: readonly PhsNode[], parent: string): PhsNode[] {
  const out: PhsNode[] = [];
  for (const n of nodes) {
    if (n.name === 'tcp.segments' || (n.name === parent && n.name !== 'vlan')) {
      // Its frames are already counted in the parent; its children belong to the parent's level.
      for (const c of normalize(n.children, parent)) merge(out, c);
      continue;
    }
    if (!OURS.has(n.name)) {
      if (CARRIERS.has(parent)) merge(out, { name: 'data', frames: n.frames, bytes: n.bytes, children: [] });
      continue;
    }
    merge(out, { name: n.name, frames: n.frames, bytes: n.bytes, children: normalize(n.children, n.name) });
  }
  return out;
}

function ours(file: string): PhsNode[] {
  const c = indexCapture(join(CAPTURES, file));
  try {
    return treeOf(c.hierarchy.result(null).nodes);
  } finally {
    c.close();
  }
}

/** Only the nodes down to the transport layer (four levels below a pkt_comment). */
function shallow(m: Map<string, string>): Map<string, string> {
  return new Map([...m].filter(([k]) => k.replace(/^pkt_comment\//, '').split('/').length <= 3));
}

function diff(a: Map<string, string>, b: Map<string, string>): string[] {
  const out: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) if (a.get(k) !== b.get(k)) out.push(`${k}: ours ${a.get(k) ?? '-'} tshark ${b.get(k) ?? '-'}`);
  return out;
}

describe.skipIf(!haveTshark)('protocol hierarchy vs tshark -z io,phs', () => {
  it.each(EXACT)('%s matches exactly', (file) => {
    expect(flattenPhs(ours(file))).toEqual(flattenPhs(tsharkPhs(join(CAPTURES, file))));
  });

  it('every fixture matches after the documented normalisation', () => {
    const problems: string[] = [];
    let compared = 0;
    for (const file of files) {
      if (READER_DIVERGES[file] !== undefined) {
        console.log(`not compared: ${file}: ${READER_DIVERGES[file]}`);
        continue;
      }
      const upTo = DISSECTOR_DIVERGES[file] !== undefined ? shallow : (m: Map<string, string>) => m;
      const theirs = upTo(flattenPhs(normalize(tsharkPhs(join(CAPTURES, file)), '')));
      const d = diff(upTo(flattenPhs(ours(file))), theirs);
      if (d.length > 0) problems.push(`${file}:\n  ${d.join('\n  ')}`);
      compared++;
    }
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(60);
  });

  it('a display-filtered hierarchy matches tshark -z io,phs,<filter>', () => {
    const file = join(CAPTURES, 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng');
    const c = indexCapture(file);
    try {
      // The packets `udp` selects, by tshark itself: the engine's filter is tested elsewhere.
      const numbers = Uint32Array.from(
        tshark(['-r', file, '-Y', 'udp', '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).map(Number),
      );
      expect(numbers.length).toBeGreaterThan(10);
      const theirs = normalize(tsharkPhs(file, 'udp'), '');
      expect(flattenPhs(treeOf(c.hierarchy.result(numbers).nodes))).toEqual(flattenPhs(theirs));
    } finally {
      c.close();
    }
  });
});
