/** IpDefragmenter: ordering, overlaps, bounds and the record the engine replays from. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IpDefragmenter } from '../../main/engine/dissect/protocols/defrag';

const bytes = (n: number, start = 0) => new Uint8Array(n).map((_, i) => (start + i) & 0xff);

describe('IpDefragmenter', () => {
  it('completes in any arrival order and returns the datagram', () => {
    const whole = bytes(3000);
    const parts: [number, boolean][] = [
      [0, true],
      [1000, true],
      [2000, false],
    ];
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 2, 0]]) {
      const df = new IpDefragmenter();
      let out: Uint8Array | null = null;
      order.forEach((i, n) => {
        const [off, more] = parts[i] as [number, boolean];
        const r = df.add('k', off, more, whole.subarray(off, off + 1000), 10 + n);
        if (n < 2) expect(r).toBeNull();
        else out = r;
      });
      expect(out).toEqual(whole);
      expect(df.heldBytes).toBe(0);
      expect(df.pendingCount).toBe(0);
      expect(df.lastCompleted).toEqual([10, 11, 12]);
      expect(df.completedBy(12)).toEqual([10, 11, 12]);
      expect(df.reassembledIn(10)).toBe(12);
    }
  });
  it('keeps the first bytes received where fragments overlap', () => {
    const df = new IpDefragmenter();
    df.add('k', 0, true, new Uint8Array(16).fill(1), 1);
    df.add('k', 8, true, new Uint8Array(16).fill(2), 2);
    const out = df.add('k', 16, false, new Uint8Array(8).fill(3), 3);
    expect(Array.from(out ?? [])).toEqual([...new Array(16).fill(1), ...new Array(8).fill(2)]);
    expect(df.stats.overlaps).toBe(2);
  });
  it('copies fragment data (the reader reuses its buffer)', () => {
    const df = new IpDefragmenter();
    const buf = new Uint8Array(8).fill(5);
    df.add('k', 0, true, buf, 1);
    buf.fill(0);
    expect(Array.from(df.add('k', 8, false, new Uint8Array(8), 2) ?? []).slice(0, 8)).toEqual(new Array(8).fill(5));
  });
  it('separates datagrams by key and ignores duplicate fragments', () => {
    const df = new IpDefragmenter();
    df.add('a', 0, true, bytes(8), 1);
    df.add('b', 0, true, bytes(8, 100), 2);
    df.add('a', 0, true, bytes(8), 3);
    expect(df.heldBytes).toBe(16);
    expect(df.add('b', 8, false, bytes(8, 108), 4)).toEqual(bytes(16, 100));
    expect(df.add('a', 8, false, bytes(8, 8), 5)).toEqual(bytes(16));
  });
  it('drops datagrams larger than the maximum', () => {
    const df = new IpDefragmenter();
    expect(df.add('k', 65528, true, bytes(16), 1)).toBeNull();
    expect(df.stats.tooLong).toBe(1);
    expect(df.heldBytes).toBe(0);
  });
  it('stays within its byte budget by dropping the oldest datagrams', () => {
    const df = new IpDefragmenter({ maxBytes: 1000 });
    for (let i = 0; i < 50; i++) df.add(`k${i}`, 0, true, bytes(100), i);
    expect(df.heldBytes).toBeLessThanOrEqual(1000);
    expect(df.pendingCount).toBe(10);
    expect(df.stats.evicted).toBe(40);
    // the newest survive
    expect(df.add('k49', 100, false, bytes(4), 99)).not.toBeNull();
  });
  it('times out unfinished datagrams by packet time', () => {
    let now = 0;
    const df = new IpDefragmenter({ timeoutSec: 30, clock: () => now });
    df.add('old', 0, true, bytes(8), 1);
    now = 31;
    df.add('new', 0, true, bytes(8), 2);
    expect(df.stats.timedOut).toBe(1);
    expect(df.add('old', 8, false, bytes(8), 3)).toBeNull();
  });
  it('bounds the fragment count per datagram', () => {
    const df = new IpDefragmenter({ maxFragments: 10 });
    for (let i = 0; i < 20; i++) df.add('k', i * 8, true, bytes(8), i);
    expect(df.heldBytes).toBeLessThan(100);
  });
  it('calls onComplete with the frames of the datagram', () => {
    const calls: [readonly number[], number][] = [];
    const df = new IpDefragmenter({ onComplete: (f, c) => calls.push([f, c]) });
    df.add('k', 8, false, bytes(8), 7);
    df.add('k', 0, true, bytes(8), 9);
    expect(calls).toEqual([[[7, 9], 9]]);
  });
  it('property: any split and order of a datagram reassembles to the original', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 20 }), fc.nat(), (data, cuts, seed) => {
        const points = [...new Set(cuts.map((c) => (c % data.length) & ~7).filter((c) => c > 0))].sort((a, b) => a - b);
        const bounds = [0, ...points, data.length];
        const frags = bounds.slice(0, -1).map((s, i) => ({ s, e: bounds[i + 1] as number }));
        // deterministic shuffle
        let x = seed;
        for (let i = frags.length - 1; i > 0; i--) {
          x = (x * 1103515245 + 12345) >>> 0;
          const j = x % (i + 1);
          [frags[i], frags[j]] = [frags[j] as { s: number; e: number }, frags[i] as { s: number; e: number }];
        }
        const df = new IpDefragmenter();
        let out: Uint8Array | null = null;
        frags.forEach((f, i) => {
          const r = df.add('k', f.s, f.e !== data.length, data.subarray(f.s, f.e), i + 1);
          if (r) out = r;
        });
        expect(out).toEqual(data);
        expect(df.heldBytes).toBe(0);
      }),
    );
  });
});
