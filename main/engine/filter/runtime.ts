/**
 * Operations on runtime values, shared by both evaluation tiers: equality, ordering, CIDR membership,
 * slicing and the string conversions `contains`/`matches`/`string()` need.
 */
import { formatIPv4, formatIPv6 } from '../base/addr';
import type { FieldType } from '../dissect/fields';
import type { FieldValue } from '../dissect/tree';
import type { SliceRange } from './ast';
import type { Const, RtValue } from './values';
import { parseIPv4, parseIPv6 } from './values';

const encoder = new TextEncoder();

/** Converts a tree node's value to the runtime representation of its field type; null when it has none. */
export function fromField(type: FieldType, v: FieldValue): RtValue | null {
  if (v === null) return null;
  switch (type) {
    case 'uint':
    case 'int':
    case 'float':
    case 'time':
    case 'reltime':
      if (typeof v === 'number' || typeof v === 'bigint') return v;
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
      return null;
    case 'bool':
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'number' || typeof v === 'bigint') return v != 0 ? 1 : 0; // eslint-disable-line eqeqeq
      return null;
    case 'string':
      if (typeof v === 'string') return v;
      if (v instanceof Uint8Array) return new TextDecoder().decode(v);
      return String(v);
    case 'ipv4':
      if (v instanceof Uint8Array) return v;
      if (typeof v === 'number') return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
      if (typeof v === 'string') return parseIPv4(v);
      return null;
    case 'ipv6':
      if (v instanceof Uint8Array) return v;
      if (typeof v === 'string') return parseIPv6(v);
      return null;
    case 'bytes':
    case 'ether':
    case 'protocol':
      if (v instanceof Uint8Array) return v;
      if (typeof v === 'string') return encoder.encode(v);
      return null;
    case 'none':
      return null;
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function bytesCompare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function numCompare(a: number | bigint, b: number | bigint): number {
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  // Mixed number/bigint: compare exactly when the number is an integer, else as floats.
  if (typeof a === 'number' && !Number.isInteger(a)) return a < Number(b) ? -1 : a > Number(b) ? 1 : 0;
  if (typeof b === 'number' && !Number.isInteger(b)) return Number(a) < b ? -1 : Number(a) > b ? 1 : 0;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Three-way comparison of two values of one class; NaN when they cannot be ordered against each other. */
export function compareValues(a: RtValue, b: RtValue): number {
  if (a instanceof Uint8Array) {
    if (b instanceof Uint8Array) return bytesCompare(a, b);
    if (typeof b === 'string') return bytesCompare(a, encoder.encode(b));
    return NaN;
  }
  if (typeof a === 'string') {
    if (typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
    if (b instanceof Uint8Array) return bytesCompare(encoder.encode(a), b);
    return NaN;
  }
  if (typeof b === 'number' || typeof b === 'bigint') return numCompare(a, b);
  return NaN;
}

export function inCidr(v: RtValue, c: { bytes: Uint8Array; prefix: number }): boolean {
  if (!(v instanceof Uint8Array) || v.length !== c.bytes.length) return false;
  const full = c.prefix >> 3;
  for (let i = 0; i < full; i++) if (v[i] !== c.bytes[i]) return false;
  const rest = c.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((v[full] as number) & mask) === ((c.bytes[full] as number) & mask);
}

/** Equality against a constant or another value; a CIDR constant means "inside the network". */
export function equalsConst(v: RtValue, c: Const): boolean {
  if (typeof c === 'object' && !(c instanceof Uint8Array)) return inCidr(v, c);
  return compareValues(v, c) === 0;
}

/**
 * Ordering against a constant. A CIDR constant masks both sides with its prefix first, as Wireshark does
 * (`ip.src > 192.168.1.11/24` compares networks, so 192.168.1.11 itself is not greater).
 */
export function orderConst(v: RtValue, c: Const): number {
  if (typeof c === 'object' && !(c instanceof Uint8Array)) {
    if (!(v instanceof Uint8Array) || v.length !== c.bytes.length) return NaN;
    return compareValues(maskBytes(v, c.prefix), maskBytes(c.bytes, c.prefix));
  }
  return compareValues(v, c);
}

function maskBytes(b: Uint8Array, prefix: number): Uint8Array {
  const out = b.slice();
  for (let bit = prefix; bit < out.length * 8; bit++) out[bit >> 3] = (out[bit >> 3] as number) & ~(0x80 >> (bit & 7));
  return out;
}

export function asBytes(v: RtValue): Uint8Array | null {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return encoder.encode(v);
  return null;
}

/**
 * Applies a slice (possibly several ranges, concatenated) to bytes. Returns null when a range falls outside
 * the value, which Wireshark treats as "no value" (so `frame[100-199]` also tests that the frame is long enough).
 */
export function applySlice(b: Uint8Array, ranges: readonly SliceRange[]): Uint8Array | null {
  const parts: Uint8Array[] = [];
  for (const r of ranges) {
    const start = r.start < 0 ? b.length + r.start : r.start;
    let end: number;
    if (r.length !== undefined) end = start + r.length;
    else if (r.end !== undefined) end = (r.end < 0 ? b.length + r.end : r.end) + 1;
    else end = b.length;
    if (start < 0 || end > b.length || end < start) return null;
    parts.push(b.subarray(start, end));
  }
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Searches `needle` in `hay` (both bytes, or a string in a string). */
export function containsValue(hay: RtValue, needle: RtValue): boolean {
  if (typeof hay === 'string' && typeof needle === 'string') return hay.includes(needle);
  const hb = asBytes(hay);
  const nb = asBytes(needle);
  if (!hb || !nb) return false;
  const h: Uint8Array = hb;
  const n: Uint8Array = nb;
  if (n.length === 0) return true;
  const first = n[0] as number;
  outer: for (let i = h.indexOf(first); i >= 0 && i + n.length <= h.length; i = h.indexOf(first, i + 1)) {
    for (let j = 1; j < n.length; j++) if (h[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
}

/** Text a regular expression sees: strings as they are, bytes one character per byte (as PCRE sees them). */
export function matchText(v: RtValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) {
    let s = '';
    for (let i = 0; i < v.length; i += 8192) s += String.fromCharCode(...v.subarray(i, i + 8192));
    return s;
  }
  return String(v);
}

/** `string(field)`: the value as Wireshark displays it with name resolution off. */
export function formatForString(type: FieldType, v: RtValue): string {
  if (v instanceof Uint8Array) {
    if (type === 'ipv4') return formatIPv4(v);
    if (type === 'ipv6') return formatIPv6(v);
    return Array.from(v, (b) => b.toString(16).padStart(2, '0')).join(':');
  }
  return String(v);
}

