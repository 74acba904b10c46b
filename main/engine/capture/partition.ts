/**
 * Which of N parallel workers dissects a packet (`wirelens list` on several cores).
 *
 * Almost every piece of cross-packet state the pass keeps (sessions, TCP analysis and reassembly, IP
 * reassembly, DNS/HTTP transactions, TLS/QUIC connections) lives within one pair of network addresses, so packets
 * are split by an order-independent hash of that pair: both directions of a flow and every flow between two hosts
 * land in the same worker, which therefore sees exactly the packets it would have seen in a single pass.
 *
 * One piece of state crosses address pairs: SDP in a SIP message announces RTP/RTCP media, often between other
 * hosts than the SIP signalling (a phone talks SIP to a proxy and RTP to a media gateway). Such packets are
 * SHARED: every worker dissects them (only the owner prints them), so every worker learns every announcement.
 * Shared are UDP/TCP port 5060, UDP payloads that begin like an SDP-carrying SIP message, TCP flows once a
 * segment began so, and IP fragments (a fragmented INVITE's later fragments carry no ports).
 *
 * Only the link header, the IP header and the ports are read, by hand: this runs on every packet in every worker
 * and must cost a small part of a dissection. A frame it does not understand (ARP, MPLS, PPPoE, an unknown link
 * type) goes to worker 0, so all such frames still meet in one place.
 */
import { sipLineKind, SIP_NONE } from '../dissect/protocols/sip-scan';

/** Set in `ownerOf`'s result when every worker must dissect the packet (see above). */
export const SHARED = 0x10000;
export const OWNER_MASK = 0xffff;

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const SIP_PORT = 5060;

export class Partitioner {
  /**
   * TCP flows (by a hash of their ports and addresses) seen carrying SIP on another port than 5060. A hash
   * collision only shares more flows than needed: more work, never a wrong answer. Every worker runs the same
   * partitioner over the same packets, so this set is the same in all of them.
   */
  private readonly sipTcpFlows = new Set<number>();

  constructor(readonly count: number) {}

  /** The owner (0..count-1) of a frame, with SHARED set when every worker must dissect it. */
  ownerOf(data: Uint8Array, linkType: number): number {
    const ip = ipOffset(data, linkType);
    if (ip < 0 || ip >= data.length) return 0;
    const version = data[ip]! >> 4;
    let h: number;
    let l4 = -1;
    let proto = -1;
    let shared = false;
    if (version === 4) {
      if (ip + 20 > data.length) return 0;
      h = addrHash(data, ip + 12, 4) + addrHash(data, ip + 16, 4);
      const fragment = (data[ip + 6]! & 0x3f) !== 0 || data[ip + 7] !== 0;
      if (fragment) shared = true;
      else {
        l4 = ip + (data[ip]! & 15) * 4;
        proto = data[ip + 9]!;
      }
    } else if (version === 6) {
      if (ip + 40 > data.length) return 0;
      h = addrHash(data, ip + 8, 16) + addrHash(data, ip + 24, 16);
      proto = data[ip + 6]!;
      l4 = ip + 40;
      // Hop-by-hop, routing and destination options may precede the transport header; a fragment header
      // makes the packet shared.
      for (let n = 0; n < 8 && (proto === 0 || proto === 43 || proto === 60 || proto === 44); n++) {
        if (proto === 44) {
          shared = true;
          break;
        }
        if (l4 + 2 > data.length) break;
        proto = data[l4]!;
        l4 += (data[l4 + 1]! + 1) * 8;
      }
    } else return 0;
    // Sum, not concatenation: the hash of (a, b) equals that of (b, a). Then a final mix spreads the bits.
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
    h ^= h >>> 16;
    const owner = (h >>> 0) % this.count;
    if (!shared && (proto === 17 || proto === 6) && l4 + (proto === 6 ? 20 : 8) <= data.length) {
      shared = this.carriesSip(data, l4, proto, h);
    }
    return shared ? owner | SHARED : owner;
  }

  private carriesSip(data: Uint8Array, l4: number, proto: number, pairHash: number): boolean {
    const sport = (data[l4]! << 8) | data[l4 + 1]!;
    const dport = (data[l4 + 2]! << 8) | data[l4 + 3]!;
    if (sport === SIP_PORT || dport === SIP_PORT) return true;
    if (proto === 17) return startsSdpCarrier(data, l4 + 8);
    const flow = (pairHash + sport + dport) | 0;
    if (this.sipTcpFlows.size > 0 && this.sipTcpFlows.has(flow)) return true;
    const payload = l4 + (data[l4 + 12]! >> 4) * 4;
    if (payload < data.length && startsSdpCarrier(data, payload)) {
      this.sipTcpFlows.add(flow);
      return true;
    }
    return false;
  }
}

/**
 * True when the bytes at `off` begin a SIP message that may carry SDP: a status line or an INVITE, ACK, UPDATE
 * or PRACK request. The first three bytes rule out nearly every other payload before the full line check.
 */
function startsSdpCarrier(data: Uint8Array, off: number): boolean {
  if (off + 11 > data.length) return false;
  const a = data[off]!;
  const b = data[off + 1]!;
  const c = data[off + 2]!;
  const likely =
    (a === 0x53 && b === 0x49 && c === 0x50) || // SIP
    (a === 0x49 && b === 0x4e && c === 0x56) || // INV
    (a === 0x41 && b === 0x43 && c === 0x4b) || // ACK
    (a === 0x55 && b === 0x50 && c === 0x44) || // UPD
    (a === 0x50 && b === 0x52 && c === 0x41); // PRA
  return likely && sipLineKind(data, off, data.length) !== SIP_NONE;
}

/** Offset of the IP header in the frame, or -1 when the frame does not carry IP where this looks. */
function ipOffset(data: Uint8Array, linkType: number): number {
  switch (linkType) {
    case 1: {
      // Ethernet II, with any stack of 802.1Q / 802.1ad / QinQ tags.
      let off = 12;
      for (;;) {
        if (off + 2 > data.length) return -1;
        const type = (data[off]! << 8) | data[off + 1]!;
        if (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
          off += 4;
          continue;
        }
        return type === ETH_IPV4 || type === ETH_IPV6 ? off + 2 : -1;
      }
    }
    case 0:
    case 108: {
      // BSD loopback: a 4-byte address family in the writer's byte order (2: IPv4; 24, 28, 30: IPv6).
      if (data.length < 4) return -1;
      const le = data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24);
      const be = (data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!;
      const family = le >>> 0 < 256 ? le : be;
      return family === 2 || family === 24 || family === 28 || family === 30 ? 4 : -1;
    }
    case 101:
    case 228:
    case 229:
      return 0;
    case 113: {
      if (data.length < 16) return -1;
      const type = (data[14]! << 8) | data[15]!;
      return type === ETH_IPV4 || type === ETH_IPV6 ? 16 : -1;
    }
    case 276: {
      if (data.length < 20) return -1;
      const type = (data[0]! << 8) | data[1]!;
      return type === ETH_IPV4 || type === ETH_IPV6 ? 20 : -1;
    }
    default:
      return -1;
  }
}

/** FNV-1a over `len` bytes. */
function addrHash(data: Uint8Array, off: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ data[off + i]!, 0x01000193);
  return h >>> 0;
}
