/**
 * Helpers shared by the TCP and UDP decoders: payload dispatch by port then heuristics, and the on-wire
 * length of a transport segment when the capture was cut by the snapshot length.
 */
import type { Dissection } from '../dissection';
import type { DispatchTable, Heuristic } from '../tables';

/**
 * Hands bytes [off, end) to the decoder registered for one of the ports, trying the lower port first as
 * Wireshark does (the well-known side is usually the lower one), then to the heuristics in order.
 * Returns true when something claimed the payload.
 */
export function dispatchByPort(
  d: Dissection,
  table: DispatchTable,
  heuristics: readonly Heuristic[],
  sport: number,
  dport: number,
  off: number,
  end: number,
): boolean {
  const lo = sport < dport ? sport : dport;
  const hi = sport < dport ? dport : sport;
  const decoder = table.get(lo) ?? (hi !== lo ? table.get(hi) : undefined);
  if (decoder) {
    decoder(d, off, end);
    return true;
  }
  for (let i = 0; i < heuristics.length; i++) {
    const h = heuristics[i] as Heuristic;
    if (h.decode(d, off, end)) return true;
  }
  return false;
}

/**
 * End offset the bytes would have had on the wire. When the snapshot length cut the frame and the transport
 * segment runs to the end of the captured bytes, the missing bytes belong to it: tcp.len and udp.length checks
 * use the wire length as Wireshark's reported length does. Reassembled buffers are never cut.
 */
export function reportedEnd(d: Dissection, end: number): number {
  const missing = d.frame.len - d.frame.caplen;
  if (missing > 0 && d.source === undefined && end === d.buf.length) return end + missing;
  return end;
}
