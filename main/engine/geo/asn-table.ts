/**
 * The ASN ranges of @ip-location-db/asn (RouteViews, NRO and DB-IP data, CC BY 4.0) as a compact sorted
 * range table, read straight from the package's CSV on first use: IPv4 from asn-ipv4-num.csv (numeric
 * bounds), IPv6 from asn-ipv6.csv keyed by the address's top 64 bits (routed IPv6 prefixes are never longer
 * than /64, so nothing is lost). Organisation names stay as byte offsets into the file until asked for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface AsnHit {
  asn: number;
  org: string;
}

interface Ranges {
  /** IPv4: start/end values; IPv6: (hi32, lo32) pairs of the top 64 bits, two entries per bound. */
  start: Uint32Array;
  end: Uint32Array;
  asn: Uint32Array;
  orgOff: Uint32Array;
  orgLen: Uint16Array;
  count: number;
  text: Buffer;
}

export function asnPackageDir(): string {
  return path.dirname(require.resolve('@ip-location-db/asn/package.json'));
}

export class AsnTable {
  private constructor(
    private readonly v4: Ranges,
    private readonly v6: Ranges,
  ) {}

  static load(dir = asnPackageDir()): AsnTable {
    return new AsnTable(parse(fs.readFileSync(path.join(dir, 'asn-ipv4-num.csv')), false), parse(fs.readFileSync(path.join(dir, 'asn-ipv6.csv')), true));
  }

  get size(): number {
    return this.v4.count + this.v6.count;
  }

  /** The range holding a 4- or 16-byte address, or null. */
  lookup(a: Uint8Array): AsnHit | null {
    if (a.length === 4) return this.find(this.v4, 0, ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0, 1);
    if (a.length !== 16) return null;
    const hi = ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
    const lo = ((a[4]! << 24) | (a[5]! << 16) | (a[6]! << 8) | a[7]!) >>> 0;
    return this.find(this.v6, hi, lo, 2);
  }

  private find(r: Ranges, hi: number, lo: number, w: number): AsnHit | null {
    // Last range whose start is <= the address.
    let l = 0;
    let h = r.count - 1;
    let best = -1;
    while (l <= h) {
      const m = (l + h) >>> 1;
      if (cmp(r.start, m, w, hi, lo) <= 0) {
        best = m;
        l = m + 1;
      } else h = m - 1;
    }
    if (best < 0 || cmp(r.end, best, w, hi, lo) < 0) return null;
    return { asn: r.asn[best]!, org: orgText(r, best) };
  }
}

/** Sign of (bound m) - (hi, lo); IPv4 bounds are single values compared with `lo`. */
function cmp(arr: Uint32Array, m: number, w: number, hi: number, lo: number): number {
  if (w === 1) return arr[m]! - lo;
  const bh = arr[m * 2]!;
  if (bh !== hi) return bh - hi;
  return arr[m * 2 + 1]! - lo;
}

function orgText(r: Ranges, i: number): string {
  const off = r.orgOff[i]!;
  let s = r.text.toString('utf8', off, off + r.orgLen[i]!);
  if (s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).replace(/""/g, '"');
  return s;
}

function parse(text: Buffer, v6: boolean): Ranges {
  let lines = 0;
  for (let i = 0; i < text.length; i++) if (text[i] === 0x0a) lines++;
  lines++;
  const w = v6 ? 2 : 1;
  const r: Ranges = {
    start: new Uint32Array(lines * w),
    end: new Uint32Array(lines * w),
    asn: new Uint32Array(lines),
    orgOff: new Uint32Array(lines),
    orgLen: new Uint16Array(lines),
    count: 0,
    text,
  };
  const top = new Uint32Array(2);
  let p = 0;
  const n = text.length;
  while (p < n) {
    let e = p;
    while (e < n && text[e] !== 0x0a) e++;
    const lineEnd = e > p && text[e - 1] === 0x0d ? e - 1 : e;
    const c1 = text.indexOf(0x2c, p);
    const c2 = c1 < 0 ? -1 : text.indexOf(0x2c, c1 + 1);
    const c3 = c2 < 0 ? -1 : text.indexOf(0x2c, c2 + 1);
    if (c3 > 0 && c3 < lineEnd) {
      const i = r.count;
      if (v6) {
        if (!top64(text, p, c1, top)) {
          p = e + 1;
          continue;
        }
        r.start[i * 2] = top[0]!;
        r.start[i * 2 + 1] = top[1]!;
        if (!top64(text, c1 + 1, c2, top)) {
          p = e + 1;
          continue;
        }
        r.end[i * 2] = top[0]!;
        r.end[i * 2 + 1] = top[1]!;
      } else {
        r.start[i] = decimal(text, p, c1);
        r.end[i] = decimal(text, c1 + 1, c2);
      }
      r.asn[i] = decimal(text, c2 + 1, c3);
      r.orgOff[i] = c3 + 1;
      r.orgLen[i] = Math.min(0xffff, lineEnd - c3 - 1);
      r.count++;
    }
    p = e + 1;
  }
  return r;
}

function decimal(t: Buffer, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + (t[i]! - 0x30);
  return v >>> 0;
}

/** The top 64 bits of an IPv6 address written in text [s, e), as two 32-bit words. */
function top64(t: Buffer, s: number, e: number, out: Uint32Array): boolean {
  const groups: number[] = [];
  let gap = -1;
  let v = 0;
  let digits = 0;
  for (let i = s; i <= e; i++) {
    const c = i < e ? t[i]! : 0x3a;
    if (c === 0x3a) {
      if (digits > 0) groups.push(v);
      else if (i + 1 < e && t[i + 1] === 0x3a) gap = groups.length;
      else if (i > s && t[i - 1] === 0x3a && gap < 0) gap = groups.length;
      v = 0;
      digits = 0;
      continue;
    }
    const h = c >= 0x61 ? c - 0x57 : c >= 0x41 ? c - 0x37 : c - 0x30;
    if (h < 0 || h > 15) return false;
    v = (v << 4) | h;
    digits++;
  }
  const full = new Array<number>(8).fill(0);
  if (gap < 0) for (let i = 0; i < 8 && i < groups.length; i++) full[i] = groups[i]!;
  else {
    for (let i = 0; i < gap; i++) full[i] = groups[i]!;
    const tail = groups.length - gap;
    for (let i = 0; i < tail; i++) full[8 - tail + i] = groups[gap + i]!;
  }
  out[0] = ((full[0]! << 16) | full[1]!) >>> 0;
  out[1] = ((full[2]! << 16) | full[3]!) >>> 0;
  return true;
}
