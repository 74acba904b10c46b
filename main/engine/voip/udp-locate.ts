/**
 * Finds the UDP payload in a stored packet's bytes without dissecting it, for the encapsulations calls are
 * almost always captured in: Ethernet II (up to two 802.1Q/802.1ad tags), Linux cooked (SLL) or raw IP, then
 * IPv4 (not a fragment) or IPv6 (UDP as the first next header), then UDP. Anything else — tunnels, fragments,
 * extension headers, other link types — answers false and the caller dissects the packet fully.
 *
 * Why: the call list re-reads every SIP and RTP packet of a capture; a full dissection (every layer, the
 * decoders' own work on the payload) cost a third of that, and the packet's store columns already say it is
 * UDP SIP/RTP. The result is checked against those columns (ports, addresses), so a packet whose outer UDP
 * is not the one the index pass decoded (VXLAN …) falls back to the full dissection too.
 *
 * Fills, on success, the fields RtpMedia.lookup and the payload readers use: netType, netSrc, netDst, sport,
 * dport, payloadOff, payloadEnd and buf (frame.number is the caller's).
 */
import { NET_IPV4, NET_IPV6, type Dissection } from '../dissect/dissection';

const LINK_ETHERNET = 1;
const LINK_RAW = 101;
const LINK_IPV4 = 228;
const LINK_IPV6 = 229;
const LINK_SLL = 113;

export function locateUdp(buf: Uint8Array, linkType: number, d: Dissection): boolean {
  let p: number;
  let etherType: number;
  if (linkType === LINK_ETHERNET) {
    p = 12;
    if (buf.length < 14) return false;
    etherType = ((buf[p] as number) << 8) | (buf[p + 1] as number);
    p += 2;
    for (let tags = 0; (etherType === 0x8100 || etherType === 0x88a8) && tags < 2; tags++) {
      if (buf.length < p + 4) return false;
      etherType = ((buf[p + 2] as number) << 8) | (buf[p + 3] as number);
      p += 4;
    }
  } else if (linkType === LINK_SLL) {
    if (buf.length < 16) return false;
    etherType = ((buf[14] as number) << 8) | (buf[15] as number);
    p = 16;
  } else if (linkType === LINK_RAW || linkType === LINK_IPV4 || linkType === LINK_IPV6) {
    if (buf.length < 1) return false;
    const v = (buf[0] as number) >> 4;
    etherType = v === 4 ? 0x0800 : v === 6 ? 0x86dd : 0;
    p = 0;
  } else {
    return false;
  }
  let udp: number;
  let ipEnd: number;
  if (etherType === 0x0800) {
    if (buf.length < p + 20 || (buf[p] as number) >> 4 !== 4) return false;
    const ihl = ((buf[p] as number) & 0x0f) * 4;
    const total = ((buf[p + 2] as number) << 8) | (buf[p + 3] as number);
    const frag = (((buf[p + 6] as number) << 8) | (buf[p + 7] as number)) & 0x3fff;
    if (ihl < 20 || frag !== 0 || buf[p + 9] !== 17 || total < ihl + 8) return false;
    d.netType = NET_IPV4;
    d.netSrc.set(buf.subarray(p + 12, p + 16));
    d.netDst.set(buf.subarray(p + 16, p + 20));
    udp = p + ihl;
    ipEnd = Math.min(buf.length, p + total);
  } else if (etherType === 0x86dd) {
    if (buf.length < p + 40 || (buf[p] as number) >> 4 !== 6 || buf[p + 6] !== 17) return false;
    const payload = ((buf[p + 4] as number) << 8) | (buf[p + 5] as number);
    d.netType = NET_IPV6;
    d.netSrc.set(buf.subarray(p + 8, p + 24));
    d.netDst.set(buf.subarray(p + 24, p + 40));
    udp = p + 40;
    ipEnd = Math.min(buf.length, udp + payload);
  } else {
    return false;
  }
  if (ipEnd < udp + 8) return false;
  const len = ((buf[udp + 4] as number) << 8) | (buf[udp + 5] as number);
  if (len < 8) return false;
  d.sport = ((buf[udp] as number) << 8) | (buf[udp + 1] as number);
  d.dport = ((buf[udp + 2] as number) << 8) | (buf[udp + 3] as number);
  d.buf = buf;
  d.payloadOff = udp + 8;
  d.payloadEnd = Math.min(ipEnd, udp + len);
  return true;
}
