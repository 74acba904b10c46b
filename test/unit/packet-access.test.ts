import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { PacketAccess } from '../../main/engine/capture/packet-access';
import { MODE_SUMMARY, MODE_TREE } from '../../main/engine/dissect/dissection';
import { openCapture } from '../../main/engine/readers/open';
import { PacketStore } from '../../main/engine/store/packet-store';

const dir = path.join(__dirname, '../fixtures/captures');
const CASES = [
  'ipv4-frag-nfs__pcapplusplus__ip4_fragments.pcap',
  'ipv6-frag-udp__pcapplusplus__ip6_fragments.pcap',
  'tcp-reassembly-overlap__zeek__reassembly.pcap',
  'fmt-pcapng-2if-ether-sll-nsec-comment__pcapplusplus__pcapng-example.pcapng',
  'vlan-qinq-http__zeek__http-qinq-0.pcap',
  'icmpv6-nd-options__zeek__icmp6-nd-options.pcap',
  // TLS and QUIC keep connection state across packets (ChangeCipherSpec, version, spanning messages, CRYPTO).
  'tls12-curl-sni__ndpi__443-curl.pcap',
  'tls12-handshake-sni__zeek__tls12-decryption.pcap',
  'tls13-ech-sni__zeek__tls13-ech.pcap',
  'tls13-wolfssl-nosni__zeek__tls13_wolfssl.pcap',
  'tls-clienthello-split-mtu300__suricata-verify__dump_mtu300.pcap',
  'tls-alpn-h2-null__foxio-ja4__tls-alpn-h2.pcap',
  'quic-v1-crypto-split-initials__zeek__quic-multiple-initial-fragmented-crypto.pcap',
  'quic-v1-chromium-sni__zeek__chromium-115.0.5790.110-api-cirrus-com.pcap',
  'quic-v1-curl-http3__zeek__curl-8.1.2-dev-http3-www-google-de.pcap',
  'quic-v2-http3__zeek__quicv2-http3-443.pcap',
  'quic-v2-sll__ndpi__quic-v2.pcapng',
  'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng',
];

describe('on-demand re-dissection agrees with the streaming pass', () => {
  for (const name of CASES) {
    it(name, () => {
      // Streaming pass with text, as `wirelens list` does.
      const streamed: { info: string; proto: string; session: number }[] = [];
      const r1 = openCapture(path.join(dir, name));
      new CaptureIndex(r1, {
        mode: MODE_SUMMARY,
        noStore: true,
        onPacket: (d) => streamed.push({ info: d.info, proto: d.protocolName(), session: d.sessionId }),
      }).runToEnd();
      r1.close();

      // Index pass (no text), then every packet dissected again from the file.
      const r2 = openCapture(path.join(dir, name));
      const index = new CaptureIndex(r2);
      index.runToEnd();
      const access = new PacketAccess(index);
      expect(index.store.count).toBe(streamed.length);
      expect(index.store.count).toBeGreaterThan(0);
      for (let i = 0; i < index.store.count; i++) {
        const d = access.dissect(i, MODE_SUMMARY);
        expect({ n: i + 1, info: d.info, proto: d.protocolName(), session: d.sessionId }).toEqual({
          n: i + 1,
          ...streamed[i],
        });
        const t = access.dissect(i, MODE_TREE);
        expect(t.tree?.length).toBeGreaterThan(0);
        expect(t.tree?.[0]?.field.name).toBe('frame');
      }
      // Again in reverse order: a frame's answer must not depend on what was dissected before it.
      for (let i = index.store.count - 1; i >= 0; i--) {
        const d = access.dissect(i, MODE_SUMMARY);
        expect({ n: i + 1, info: d.info, proto: d.protocolName(), session: d.sessionId }).toEqual({
          n: i + 1,
          ...streamed[i],
        });
      }
      r2.close();
    });
  }

  it('keeps 56 bytes per packet in the store (issue: at most 64)', () => {
    const s = new PacketStore(1000);
    expect(s.memoryBytes / 1000).toBe(56);
  });
});
