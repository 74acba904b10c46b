/**
 * Media endpoints announced by SDP (c= address + m= port, and port+1 for RTCP), so that later UDP packets to
 * or from them are decoded as RTP/RTCP — Wireshark's SDP-driven conversation setup. Engine-owned state like
 * DnsTransactions (see createAppState in dns-transactions.ts): SDP bodies are learnt the first time their
 * frame is seen (the index pass, in file order); re-dissections only read.
 *
 * An endpoint may be announced again (re-INVITE, a switch to T.38): each announcement is kept with its
 * frame, and a packet uses the latest one made before it, as Wireshark's conversations do.
 *
 * Lookups run on every UDP packet that no port claimed, so they allocate nothing: the key is a number
 * folded from the address and port, and entries compare the address bytes.
 */
import { NET_IPV4, NET_IPV6, type Dissection } from '../dissection';

export const RTP_STATE_KEY = 'rtp';

export const MEDIA_RTP = 1;
export const MEDIA_RTCP = 2;
/** Announced media that is not RTP (udptl/T.38, …): keeps the RTP heuristic off these packets. */
export const MEDIA_OTHER = 3;

/** One rtpmap entry: encoding name and clock rate (0 unknown). */
export interface PayloadMap {
  name: string;
  rate: number;
}

/** One announcement of an endpoint. */
export interface MediaSetup {
  /** Frame of the SDP. */
  frame: number;
  kind: number;
  /** Call-ID of the SIP message that carried the SDP ('' none). */
  callId: string;
  /** Dynamic payload types of the m= line (a=rtpmap), by number. */
  payloads: ReadonlyMap<number, PayloadMap>;
}

interface Endpoint {
  addr: Uint8Array;
  port: number;
  setups: MediaSetup[];
}

export class RtpMedia {
  /**
   * Decode RTP on UDP payloads that look like RTP version 2 although no SDP announced them (Wireshark's
   * rtp.heuristic_rtp, off by default there too). The stream analysis turns it on for its own pass.
   */
  heuristic = false;
  private readonly byKey = new Map<number, Endpoint[]>();
  private seenFrame = 0;
  private seenIndex = -1;
  /** Number of endpoints learnt: 0 lets lookups return at once. */
  size = 0;

  /**
   * True when the SDP at (frame, index) has not been learnt yet (first sight in file order): the caller then
   * calls `announce` for its media. Several SIP messages may share a frame (TCP), hence the index.
   */
  shouldLearn(frame: number, index: number): boolean {
    if (frame < this.seenFrame || (frame === this.seenFrame && index <= this.seenIndex)) return false;
    this.seenFrame = frame;
    this.seenIndex = index;
    return true;
  }

  /** Records that `addr` (4 or 16 bytes) : `port` carries `kind` from `setup.frame` on. */
  announce(addr: Uint8Array, port: number, setup: MediaSetup): void {
    const key = keyOf(addr, 0, addr.length, port);
    let list = this.byKey.get(key);
    if (list === undefined) this.byKey.set(key, (list = []));
    let ep = list.find((e) => e.port === port && sameAddr(e.addr, addr, 0, addr.length));
    if (ep === undefined) {
      ep = { addr: addr.slice(), port, setups: [] };
      list.push(ep);
      this.size++;
    }
    // A long call re-announcing on every re-INVITE must not grow without bound.
    if (ep.setups.length < 4096) ep.setups.push(setup);
  }

  /**
   * The announcement in force for the packet in `d` (destination endpoint first, then source), or null.
   * Only announcements made in an earlier frame count.
   */
  lookup(d: Dissection): MediaSetup | null {
    if (this.size === 0 || d.sport < 0) return null;
    const n = d.netType === NET_IPV4 ? 4 : d.netType === NET_IPV6 ? 16 : 0;
    if (n === 0) return null;
    return this.find(d.netDst, n, d.dport, d.frame.number) ?? this.find(d.netSrc, n, d.sport, d.frame.number);
  }

  private find(addr: Uint8Array, n: number, port: number, frame: number): MediaSetup | null {
    const list = this.byKey.get(keyOf(addr, 0, n, port));
    if (list === undefined) return null;
    for (let i = 0; i < list.length; i++) {
      const ep = list[i] as Endpoint;
      if (ep.port !== port || !sameAddr(ep.addr, addr, 0, n)) continue;
      let best: MediaSetup | null = null;
      for (let j = 0; j < ep.setups.length; j++) {
        const s = ep.setups[j] as MediaSetup;
        if (s.frame < frame) best = s;
      }
      return best;
    }
    return null;
  }
}

/** A number folded from address bytes and port (collisions are resolved by comparing the bytes). */
function keyOf(addr: Uint8Array, off: number, n: number, port: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ (addr[off + i] as number), 0x01000193) >>> 0;
  return h * 65536 + port;
}

function sameAddr(a: Uint8Array, b: Uint8Array, off: number, n: number): boolean {
  if (a.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[off + i]) return false;
  return true;
}

export function rtpMediaOf(d: Dissection): RtpMedia | null {
  const s = d.appState?.get(RTP_STATE_KEY);
  return s instanceof RtpMedia ? s : null;
}
