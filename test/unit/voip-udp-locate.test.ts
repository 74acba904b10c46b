/**
 * udp-locate.ts (the call list's shortcut to a UDP payload) against the full dissection: on every UDP packet of
 * fixtures with Ethernet, 802.1Q, Linux cooked, raw IPv4/IPv6 links, IP fragments and tunnels, whenever the
 * shortcut answers it must give the dissection's addresses, ports and payload bounds; it must answer for the
 * plain encapsulations (so the shortcut is really taken) and decline fragments.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { PacketAccess } from '../../main/engine/capture/packet-access';
import { Dissection, MODE_INDEX, PF_FRAGMENT } from '../../main/engine/dissect/dissection';
import { openCapture } from '../../main/engine/readers/open';
import { locateUdp } from '../../main/engine/voip/udp-locate';

const CAPS = join(__dirname, '..', 'fixtures', 'captures');
const FILES = readdirSync(CAPS).filter((f) => /^(sip|sipp|rtp|dns-udp|ipv4-frag|ipv6-frag|link-|vlan-|dns-frag)/.test(f));

describe('UDP payload shortcut = dissection', () => {
  for (const file of FILES) {
    it(file, () => {
      const index = new CaptureIndex(openCapture(join(CAPS, file)));
      index.runToEnd();
      const access = new PacketAccess(index);
      const q = new Dissection();
      let located = 0;
      let udp = 0;
      for (let i = 0; i < index.store.count; i++) {
        const bytes = access.bytes(i);
        const linkType = index.reader.interfaces[index.store.ifId[i] as number]?.linkType ?? -1;
        const ok = locateUdp(bytes, linkType, q);
        const d = access.dissect(i, MODE_INDEX);
        if (d.ipProto === 17 && d.inner === 0) udp++;
        if (!ok) continue;
        // A shortcut answer on a packet the dissection saw as a fragment would be wrong.
        expect((d.flags & PF_FRAGMENT) !== 0, `frame ${i + 1}`).toBe(false);
        if (d.ipProto !== 17 || d.sport !== q.sport || d.dport !== q.dport) continue; // a tunnel: the caller checks ports
        located++;
        const n = q.netType === 4 ? 4 : 16;
        expect(q.netType, `frame ${i + 1}`).toBe(d.netType);
        expect([...q.netSrc.subarray(0, n)], `frame ${i + 1}`).toEqual([...d.netSrc.subarray(0, n)]);
        expect([...q.netDst.subarray(0, n)], `frame ${i + 1}`).toEqual([...d.netDst.subarray(0, n)]);
        expect(q.payloadEnd - q.payloadOff, `frame ${i + 1}`).toBe(d.payloadEnd - d.payloadOff);
        expect([...q.buf.subarray(q.payloadOff, q.payloadEnd)], `frame ${i + 1}`).toEqual([...d.buf.subarray(d.payloadOff, d.payloadEnd)]);
      }
      if (/^(sipp|rtp-vlan|dns-udp|link-raw)/.test(file)) expect(located, `${file}: plain UDP found by the shortcut`).toBe(udp);
    });
  }
});
