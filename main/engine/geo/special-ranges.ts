/**
 * Address ranges that no GeoIP database locates, labelled by what they are (RFC 1918, RFC 6598 CGNAT,
 * RFC 3927/4291 link-local, RFC 4193 unique-local …). A label replaces the country column for such
 * addresses, so "private" reads as a fact rather than as a failed lookup.
 */
export const LABEL_PUBLIC = 'public';

/** The label of a 4- or 16-byte address, or LABEL_PUBLIC when a database should be asked. */
export function addressLabel(a: Uint8Array): string {
  if (a.length === 4) return v4Label(a[0]!, a[1]!, a[2]!, a[3]!);
  if (a.length !== 16) return 'unknown';
  // IPv4-mapped (::ffff:a.b.c.d): the embedded IPv4 address decides.
  if (isZero(a, 0, 10) && a[10] === 0xff && a[11] === 0xff) return v4Label(a[12]!, a[13]!, a[14]!, a[15]!);
  if (isZero(a, 0, 15)) return a[15] === 1 ? 'loopback' : a[15] === 0 ? 'unspecified' : 'reserved';
  if (a[0] === 0xff) return 'multicast';
  if (a[0] === 0xfe && (a[1]! & 0xc0) === 0x80) return 'link-local';
  if ((a[0]! & 0xfe) === 0xfc) return 'private';
  if (a[0] === 0x20 && a[1] === 0x01 && a[2] === 0x0d && a[3] === 0xb8) return 'documentation';
  return LABEL_PUBLIC;
}

function v4Label(a: number, b: number, c: number, d: number): string {
  if (a === 10 || (a === 172 && (b & 0xf0) === 16) || (a === 192 && b === 168)) return 'private';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 100 && (b & 0xc0) === 64) return 'cgnat';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a === 255 && b === 255 && c === 255 && d === 255) return 'broadcast';
  if (a === 0) return 'unspecified';
  if (a >= 240) return 'reserved';
  if ((a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return 'documentation';
  return LABEL_PUBLIC;
}

function isZero(a: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (a[i] !== 0) return false;
  return true;
}
