/**
 * Remembers the text of recently formatted IP addresses. A capture holds few distinct addresses and many packets,
 * and `wirelens list` prints two per packet: formatting them again each time cost more than the lookup here
 * (an IPv6 address is eight hex groups and a search for the longest zero run).
 *
 * Direct-mapped: a slot holds one address; a collision just replaces it. No allocation on a hit.
 */
import { formatIPv4, formatIPv6 } from './addr';

const SLOTS = 4096;
const keys = new Uint8Array(SLOTS * 16);
const lens = new Uint8Array(SLOTS);
const texts: string[] = new Array<string>(SLOTS).fill('');

/** Text of the 4- or 16-byte address at `b[off..off+len)`, as formatIPv4/formatIPv6 give it. */
export function addressText(b: Uint8Array, off: number, len: 4 | 16): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ b[off + i]!, 0x01000193);
  const slot = (h ^ (h >>> 15)) & (SLOTS - 1);
  const base = slot * 16;
  if (lens[slot] === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (keys[base + i] !== b[off + i]) {
        same = false;
        break;
      }
    }
    if (same) return texts[slot]!;
  }
  const text = len === 4 ? formatIPv4(b, off) : formatIPv6(b, off);
  for (let i = 0; i < len; i++) keys[base + i] = b[off + i]!;
  lens[slot] = len;
  texts[slot] = text;
  return text;
}
