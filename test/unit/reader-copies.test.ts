/**
 * Decoders keep `data.slice(...)` of a record across packets (QUIC connection ids, CRYPTO chunks, DNS answer
 * addresses) as copies. Records are views into the reader's window, which the next refill overwrites, so a
 * record must be a plain Uint8Array: Buffer's slice() is a view, not a copy.
 */
import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { openCapture } from '../../main/engine/readers/open';

const dir = path.join(__dirname, '../fixtures/captures');

describe('reader records', () => {
  for (const name of ['dns-udp__tcpdump__dns_udp.pcap', 'fmt-pcapng-le-2if-comments__gopacket__le-test005.pcapng']) {
    it(`${name}: slice() of a record is a copy`, () => {
      const r = openCapture(path.join(dir, name));
      const rec = r.next();
      expect(rec).not.toBeNull();
      const data = rec!.data;
      expect(Buffer.isBuffer(data)).toBe(false);
      const before = data[0];
      const copy = data.slice(0, 4);
      copy[0] = (copy[0]! ^ 0xff) & 0xff;
      expect(data[0]).toBe(before);
      r.close();
    });
  }
});
