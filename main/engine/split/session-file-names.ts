/**
 * File names of a split: `TCP_10.0.0.1_443_10.0.0.2_51000.pcap` (protocol, A address and port, B address and
 * port; A is the session's initiator). Only characters every file system accepts: an IPv6 address's colons
 * become dashes (`UDP_2001-db8--1_53_…`). A tuple reused by a later session (after an idle timeout or a new
 * SYN) gets `_2`, `_3`… in session order.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { protoName } from '../export/session-rows';

/** The file of packets that belong to no session. */
export const UNASSIGNED_NAME = 'unassigned';

export class SessionFileNames {
  private readonly used = new Map<string, number>();

  constructor(private readonly index: CaptureIndex) {}

  /** The name (with extension) for session `sid`, or the unassigned file for -1. */
  next(sid: number, ext: string): string {
    const base = sid < 0 ? UNASSIGNED_NAME : this.base(sid);
    const seen = (this.used.get(base) ?? 0) + 1;
    this.used.set(base, seen);
    return `${seen === 1 ? base : `${base}_${seen}`}.${ext}`;
  }

  private base(sid: number): string {
    const s = this.index.sessions;
    const ep = this.index.endpoints;
    return [
      protoName(s.proto[sid] as number).toUpperCase(),
      safe(ep.format(s.epA[sid] as number)),
      s.portA[sid] as number,
      safe(ep.format(s.epB[sid] as number)),
      s.portB[sid] as number,
    ].join('_');
  }
}

function safe(addr: string): string {
  return addr.replace(/[^A-Za-z0-9.-]/g, '-') || 'none';
}
