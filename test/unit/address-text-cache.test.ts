import { describe, expect, it } from 'vitest';
import { addressText } from '../../main/engine/base/address-text-cache';
import { formatIPv4, formatIPv6 } from '../../main/engine/base/addr';

describe('addressText (cached address formatting)', () => {
  it('gives formatIPv4/formatIPv6 text for many more addresses than it has slots, asked again in another order', () => {
    // 20,000 addresses overflow the 4,096 slots: collisions must replace, never answer with another address.
    const addrs: Uint8Array[] = [];
    for (let i = 0; i < 20000; i++) {
      const v6 = i % 2 === 1;
      const a = new Uint8Array(v6 ? 16 : 4);
      for (let j = 0; j < a.length; j++) a[j] = (i * (j + 13) * 2654435761) >>> (j % 3 === 0 ? 8 : 16);
      if (v6 && i % 10 === 1) a.fill(0, 2, 12); // runs of zero groups: the "::" form
      addrs.push(a);
    }
    const order = [...addrs.keys(), ...[...addrs.keys()].reverse(), ...addrs.keys()];
    for (const k of order) {
      const a = addrs[k]!;
      const want = a.length === 4 ? formatIPv4(a) : formatIPv6(a);
      expect(addressText(a, 0, a.length as 4 | 16)).toBe(want);
    }
  });

  it('reads the address at an offset, and an IPv4 key never answers for an IPv6 one with the same first bytes', () => {
    const buf = new Uint8Array([9, 9, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(addressText(buf, 2, 4)).toBe('10.0.0.1');
    expect(addressText(buf, 2, 16)).toBe(formatIPv6(buf, 2));
    expect(addressText(buf, 2, 4)).toBe('10.0.0.1');
  });
});
