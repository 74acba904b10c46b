import { describe, expect, it } from 'vitest';
import { EndpointTable, EP_IPV4, EP_IPV6, EP_MAC } from '../../main/engine/store/endpoints';

describe('EndpointTable', () => {
  it('interns each address once and formats every id the same however often and in whatever order it is asked', () => {
    const ep = new EndpointTable();
    const v4 = (a: number, b: number, c: number, d: number): number => ep.intern(EP_IPV4, Uint8Array.of(a, b, c, d), 0, 4);
    const a = v4(10, 0, 0, 1);
    const b = v4(192, 168, 1, 254);
    const c = ep.intern(EP_IPV6, Uint8Array.of(0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53), 0, 16);
    const d = ep.intern(EP_MAC, Uint8Array.of(2, 0, 0x5e, 0x10, 0, 1), 0, 6);
    expect(v4(10, 0, 0, 1)).toBe(a);
    const want = new Map([
      [d, '02:00:5e:10:00:01'],
      [b, '192.168.1.254'],
      [a, '10.0.0.1'],
      [c, 'fd00::53'],
    ]);
    // Highest id first: the remembered texts fill in out of order.
    for (let round = 0; round < 2; round++) for (const [id, text] of want) expect(ep.format(id)).toBe(text);
    expect(ep.format(0)).toBe('');
    expect(ep.format(ep.size)).toBe('');
  });
});
