/**
 * pcapng timestamps: sec * perSecond + fraction as a 64-bit count of if_tsresol units, written as the block
 * format wants it (high 32 bits, then low 32 bits, little-endian). Exact and without BigInt: 16-bit limbs keep
 * every partial sum far below 2^53. perSecond <= 10^9 < 2^30, fraction < perSecond; the result is modulo 2^64.
 * Shared by the streaming PcapngWriter and the split's buffer encoder.
 */
export function writeTimestampUnits(v: DataView, at: number, sec: number, perSecond: number, fraction: number): void {
  const m1 = Math.floor(perSecond / 65536);
  const m0 = perSecond - m1 * 65536;
  let rest = sec;
  const s0 = rest % 65536;
  rest = Math.floor(rest / 65536);
  const s1 = rest % 65536;
  rest = Math.floor(rest / 65536);
  const s2 = rest % 65536;
  const s3 = Math.floor(rest / 65536) % 65536;
  let c = s0 * m0 + fraction;
  const r0 = c % 65536;
  c = Math.floor(c / 65536) + s1 * m0 + s0 * m1;
  const r1 = c % 65536;
  c = Math.floor(c / 65536) + s2 * m0 + s1 * m1;
  const r2 = c % 65536;
  c = Math.floor(c / 65536) + s3 * m0 + s2 * m1;
  const r3 = c % 65536;
  v.setUint32(at, r3 * 65536 + r2, true);
  v.setUint32(at + 4, r1 * 65536 + r0, true);
}
