/** readName's cache of name texts (dns-names.ts): a hit must answer exactly what decoding the labels answers. */
import { describe, expect, it } from 'vitest';
import { newNameResult, readName, NAME_OK, NAME_TOO_LONG } from '../../main/engine/dissect/protocols/dns-names';

function wire(labels: (string | number[])[]): number[] {
  const out: number[] = [];
  for (const l of labels) {
    const bytes = typeof l === 'string' ? [...Buffer.from(l, 'latin1')] : l;
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
  return out;
}

function read(bytes: number[], at = 0) {
  const buf = Uint8Array.from(bytes);
  const r = newNameResult();
  readName(buf, 0, buf.length, at, r);
  return { name: r.name, next: r.next, used: r.used, labels: r.labels, error: r.error, walked: r.walked };
}

describe('DNS name cache', () => {
  it('answers every name right, first time and again, with more names than slots', () => {
    const names = Array.from({ length: 10000 }, (_, i) => [`h${i}`, `example${i % 7}`, 'com']);
    for (const order of [names, [...names].reverse(), names]) {
      for (const labels of order) {
        const w = wire(labels);
        expect(read(w)).toEqual({ name: labels.join('.'), next: w.length, used: w.length, labels: 3, error: NAME_OK, walked: w.length - 1 });
      }
    }
  });

  it('counts labels of the same text apart (a dot inside a label), follows pointers, and gives the root', () => {
    expect(read(wire(['a.b', 'c'])).labels).toBe(2);
    expect(read(wire(['a', 'b', 'c'])).labels).toBe(3);
    expect(read(wire(['a.b', 'c'])).name).toBe('a.b.c');
    // "www" then a pointer to "example.com" at offset 0.
    const target = wire(['example', 'com']);
    const msg = [...target, 3, ...Buffer.from('www'), 0xc0, 0];
    expect(read(msg, target.length)).toMatchObject({ name: 'www.example.com', next: msg.length, used: 6, labels: 3 });
    expect(read([0])).toMatchObject({ name: '<Root>', used: 1, labels: 0 });
  });

  it('leaves escapes and overlong names to the full decoder', () => {
    expect(read(wire([[0x61, 0x01, 0x62], 'com'])).name).toBe('a\\001b.com');
    // Cached plain "ab.com" must not answer for a name whose label holds an unprintable byte.
    expect(read(wire(['ab', 'com'])).name).toBe('ab.com');
    expect(read(wire([[0x61, 0x7f], 'com'])).name).toBe('a\\177.com');
    const long = Array.from({ length: 5 }, () => 'x'.repeat(60));
    expect(read(wire(long))).toMatchObject({ name: '<Name too long>', error: NAME_TOO_LONG });
    const fits = Array.from({ length: 4 }, () => 'y'.repeat(62));
    expect(read(wire(fits)).name).toBe(fits.join('.'));
  });
});
