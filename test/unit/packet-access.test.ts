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
      r2.close();
    });
  }

  it('keeps 50 bytes per packet in the store', () => {
    const s = new PacketStore(1000);
    expect(s.memoryBytes / 1000).toBe(50);
  });
});
