/**
 * Address formatting as Wireshark prints it (RFC 5952 for IPv6). Only called for rows that are displayed or
 * exported, never on the index path.
 */

export function formatIPv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

export function formatMac(b: Uint8Array, off = 0): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    if (i) s += ':';
    s += (b[off + i] as number).toString(16).padStart(2, '0');
  }
  return s;
}

/** Scratch groups for formatIPv6: list output formats two addresses per IPv6 packet, so no array per call. */
const groups = new Uint16Array(8);

/** RFC 5952: lower-case hex, leading zeros dropped, the longest run (≥2) of zero groups as `::`. */
export function formatIPv6(b: Uint8Array, off = 0): string {
  const g = groups;
  for (let i = 0; i < 8; i++) g[i] = ((b[off + 2 * i] as number) << 8) | (b[off + 2 * i + 1] as number);
  // IPv4-mapped addresses print with a dotted quad, as Wireshark does.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${formatIPv4(b, off + 12)}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = 8;
  let s = '';
  for (let i = 0; i < bestStart; i++) s += (i > 0 ? ':' : '') + (g[i] as number).toString(16);
  if (bestStart === 8) return s;
  s += '::';
  for (let i = bestStart + bestLen; i < 8; i++) s += (i > bestStart + bestLen ? ':' : '') + (g[i] as number).toString(16);
  return s;
}
