/**
 * ICMP echo Info text carries the enclosing IP header's TTL / hop limit ("ttl=64", "hop limit=64"), which the
 * Dissection does not keep. These helpers find that header in the buffer behind the ICMP message, by its
 * version and the source (and destination) address the IP decoder copied into `d.netSrc`/`d.netDst` (for IPv6
 * `d.ipv6HdrSrc`: netSrc may be a Home Address that is not in the header).
 * Text-path only; returns -1 when the header is not in this buffer (e.g. a reassembled datagram).
 */
import { NET_IPV4, NET_IPV6, type Dissection } from '../dissection';

function sameBytes(buf: Uint8Array, at: number, ref: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (buf[at + i] !== ref[i]) return false;
  return true;
}

/** TTL of the IPv4 header that ends right at `off` (20..60 bytes long), or -1. */
export function enclosingIpv4Ttl(d: Dissection, off: number): number {
  if (d.netType !== NET_IPV4) return -1;
  const b = d.buf;
  for (let h = 20; h <= 60; h += 4) {
    const p = off - h;
    if (p < 0) break;
    const vihl = b[p] as number;
    if (vihl >> 4 === 4 && (vihl & 15) * 4 === h && sameBytes(b, p + 12, d.netSrc, 4) && sameBytes(b, p + 16, d.netDst, 4)) {
      return b[p + 8] as number;
    }
  }
  return -1;
}

/**
 * Hop limit of the IPv6 header in front of `off`; extension headers may sit between, so candidates are
 * tried every 8 bytes (extension headers are multiples of 8) up to a bounded distance.
 */
export function enclosingIpv6HopLimit(d: Dissection, off: number): number {
  if (d.netType !== NET_IPV6) return -1;
  const b = d.buf;
  for (let p = off - 40; p >= 0 && p >= off - 40 - 512; p -= 8) {
    if ((b[p] as number) >> 4 === 6 && sameBytes(b, p + 8, d.ipv6HdrSrc, 16)) return b[p + 7] as number;
  }
  return -1;
}
