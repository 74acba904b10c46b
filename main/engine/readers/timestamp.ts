/**
 * Exact conversion of pcapng 64-bit timestamps (two 32-bit halves) to whole seconds + nanoseconds, without
 * BigInt and without allocating: this runs once per packet. Every intermediate stays below 2^53 by doing long
 * division in base 2^16 (remainder < divisor <= 10^9, so remainder * 65536 + digit < 2^46).
 */

/** Where the conversion functions leave their result (one shared object: no allocation per call). */
export interface TimestampOut {
  tsSec: number;
  tsNsec: number;
}

/** How an interface's timestamp units map to nanoseconds; precomputed once per IDB. */
export interface TimestampUnit {
  /** 0: 10^-k with k <= 9; 1: 10^-k with k > 9; 2: 2^-n. */
  readonly kind: 0 | 1 | 2;
  /** kind 0: 10^k units per second, and the factor from one unit to ns (10^(9-k)). */
  readonly perSecond: number;
  readonly nsPerUnit: number;
  /** kind 1: decimal exponent k; kind 2: binary exponent n. */
  readonly exponent: number;
  /** if_tsoffset, whole seconds. */
  readonly offset: number;
}

/** Decodes if_tsresol: high bit set means 2^-n, else 10^-n (spec default when absent: 6, microseconds). */
export function timestampUnit(tsresol: number, offset: number): TimestampUnit {
  const exponent = tsresol & 0x7f;
  if (tsresol & 0x80) return { kind: 2, perSecond: 0, nsPerUnit: 0, exponent, offset };
  if (exponent <= 9) return { kind: 0, perSecond: 10 ** exponent, nsPerUnit: 10 ** (9 - exponent), exponent, offset };
  return { kind: 1, perSecond: 0, nsPerUnit: 0, exponent, offset };
}

// Scratch for the 64-bit helpers below: quotient (hi, lo) and remainder.
let qHi = 0;
let qLo = 0;
let rem = 0;

/** (hi, lo) / d for 1 <= d <= 2^37, into qHi/qLo/rem. Long division in base 2^16. */
function div64(hi: number, lo: number, d: number): void {
  const q1 = Math.floor(hi / d);
  let r = hi - q1 * d;
  const n2 = r * 65536 + (lo >>> 16);
  const q2 = Math.floor(n2 / d);
  r = n2 - q2 * d;
  const n3 = r * 65536 + (lo & 0xffff);
  const q3 = Math.floor(n3 / d);
  rem = n3 - q3 * d;
  // r < d makes q2, q3 < 2^16, so they form the low 32-bit half exactly.
  qLo = q2 * 65536 + q3;
  qHi = q1;
}

/**
 * Converts a pcapng timestamp (hi:lo units of `unit`) into out.tsSec/out.tsNsec. Seconds beyond 2^53 lose
 * precision (not reachable with real resolutions); nanoseconds are always exact.
 */
export function convertTimestamp(hi: number, lo: number, unit: TimestampUnit, out: TimestampOut): void {
  if (unit.kind === 0) {
    div64(hi, lo, unit.perSecond);
    out.tsSec = qHi * 4294967296 + qLo + unit.offset;
    out.tsNsec = rem * unit.nsPerUnit;
    return;
  }
  if (unit.kind === 2) {
    binaryToNs(hi, lo, unit.exponent, out);
    out.tsSec += unit.offset;
    return;
  }
  // 10^-k with k > 9: bring to units of 10^-10 s by dividing in steps of at most 10^9, then round to ns.
  let h = hi;
  let l = lo;
  let k = unit.exponent;
  while (k > 10 && (h !== 0 || l !== 0)) {
    const step = Math.min(9, k - 10);
    div64(h, l, 10 ** step);
    h = qHi;
    l = qLo;
    k -= step;
  }
  // Round half up: floor((x + 5) / 10).
  l += 5;
  if (l > 0xffffffff) {
    l -= 4294967296;
    h += 1;
  }
  div64(h, l, 10);
  div64(qHi, qLo, 1e9);
  out.tsSec = qHi * 4294967296 + qLo + unit.offset;
  out.tsNsec = rem;
}

/**
 * 2^-n units: seconds are the value shifted right by n, nanoseconds floor(fraction * 10^9 / 2^n) (truncated,
 * as Wireshark does). The product is done on 16-bit limbs so nothing is rounded.
 */
function binaryToNs(hi: number, lo: number, n: number, out: TimestampOut): void {
  if (n === 0) {
    out.tsSec = hi * 4294967296 + lo;
    out.tsNsec = 0;
    return;
  }
  if (n >= 64) {
    out.tsSec = 0;
    // fraction / 2^n * 1e9 with n >= 64 is < 1e9 / 2^(n-64): compute in floating point, it is below 1 ns
    // resolution except for n = 64.. 93 where it is still exact enough after flooring.
    out.tsNsec = Math.floor(((hi * 4294967296 + lo) / 2 ** n) * 1e9);
    return;
  }
  // Seconds: (hi:lo) >> n.
  let secHi: number;
  let secLo: number;
  let fracHi: number;
  let fracLo: number;
  if (n >= 32) {
    secHi = 0;
    secLo = n === 32 ? hi : hi >>> (n - 32);
    fracHi = n === 32 ? 0 : hi & (2 ** (n - 32) - 1);
    fracLo = lo;
  } else {
    secHi = hi >>> n;
    secLo = ((hi & (2 ** n - 1)) * 2 ** (32 - n) + (lo >>> n)) >>> 0;
    fracHi = 0;
    fracLo = lo & (2 ** n - 1);
  }
  out.tsSec = secHi * 4294967296 + secLo;
  // fraction * 1e9 as limbs (16 bit), then shift right by n.
  const f0 = fracLo & 0xffff;
  const f1 = fracLo >>> 16;
  const f2 = fracHi & 0xffff;
  const f3 = fracHi >>> 16;
  const m0 = 51712; // 1e9 = 15258 * 65536 + 51712
  const m1 = 15258;
  // Accumulate column sums with carries; each product < 2^32, sums stay far below 2^53.
  let c = f0 * m0;
  const p0 = c % 65536;
  c = Math.floor(c / 65536) + f1 * m0 + f0 * m1;
  const p1 = c % 65536;
  c = Math.floor(c / 65536) + f2 * m0 + f1 * m1;
  const p2 = c % 65536;
  c = Math.floor(c / 65536) + f3 * m0 + f2 * m1;
  const p3 = c % 65536;
  c = Math.floor(c / 65536) + f3 * m1;
  const p4 = c % 65536;
  const p5 = Math.floor(c / 65536);
  // Product = sum p_i * 2^(16 i); result = floor(product / 2^n) < 1e9, so only limbs from n/16 on matter.
  const limbs = scratchLimbs;
  limbs[0] = p0;
  limbs[1] = p1;
  limbs[2] = p2;
  limbs[3] = p3;
  limbs[4] = p4;
  limbs[5] = p5;
  const first = n >>> 4;
  const shift = n & 15;
  let value = 0;
  for (let i = 5; i >= first; i--) value = value * 65536 + limbs[i];
  out.tsNsec = Math.floor(value / 2 ** shift);
}

const scratchLimbs = new Float64Array(6);
