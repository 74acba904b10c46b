/**
 * DNS query/response matching (dns.response_in, dns.response_to, dns.time). This needs state across packets,
 * which a decoder module must not keep, so it lives in an object the engine owns: the index pass creates one
 * (see `createAppState`), sets `d.appState` to the map holding it, and keeps it for later re-dissections.
 *
 * Matching follows Wireshark's packet-dns.c: a query is keyed by (conversation, DNS id); a response matches
 * the latest earlier query with that key. A retransmitted response still points at the query; the query
 * keeps its first response. Frames are learnt the first time they are seen (the index pass, in order);
 * re-dissecting a frame later (Info/tree on demand) only reads what was learnt, so answers are stable and a
 * query can name a response that comes after it.
 */
import type { Dissection } from '../dissection';
import { HttpTransactions, HTTP_STATE_KEY } from './http-transactions';
import { RtpMedia, RTP_STATE_KEY } from './rtp-media';

export const DNS_STATE_KEY = 'dns';
/** Wireshark's dns.retransmission_timer default. */
const RETRANSMISSION_S = 5;

/** What one frame learnt: the partner frame and, for responses, the delay. */
export interface DnsMatch {
  /** For a query: the first response's frame (0 none yet). For a response: the query's frame (0 none). */
  partner: number;
  /** Response time in seconds (responses only; -1 when unmatched or for a query). */
  time: number;
}

interface Pending {
  frame: number;
  sec: number;
  nsec: number;
  match: DnsMatch;
}

export class DnsTransactions {
  /** Latest query per (session, id). */
  private readonly pending = new Map<number, Pending>();
  private readonly byFrame = new Map<number, DnsMatch>();
  /** Highest frame number learnt: anything at or below was seen (the index pass goes in order). */
  private seen = 0;

  /**
   * Learns (first time) or looks up (later) the frame being dissected in `d`. Returns its match, or null
   * when the frame carries no DNS message with a session (then there is nothing to show).
   */
  observe(d: Dissection, id: number, response: boolean): DnsMatch | null {
    const frame = d.frame.number;
    if (frame <= this.seen) return this.byFrame.get(frame) ?? null;
    this.seen = frame;
    if (d.sessionId < 0) return null;
    const key = d.sessionId * 65536 + id;
    if (!response) {
      // Wireshark: the same id again, unanswered and within 5 s, is a retransmission of the pending query
      // (it shares that query's match) rather than a new transaction.
      const prev = this.pending.get(key);
      if (prev !== undefined && prev.match.partner === 0 && d.frame.tsSec - prev.sec + (d.frame.tsNsec - prev.nsec) / 1e9 < RETRANSMISSION_S) {
        this.byFrame.set(frame, prev.match);
        return prev.match;
      }
      const match: DnsMatch = { partner: 0, time: -1 };
      this.pending.set(key, { frame, sec: d.frame.tsSec, nsec: d.frame.tsNsec, match });
      this.byFrame.set(frame, match);
      return match;
    }
    const q = this.pending.get(key);
    if (q === undefined) return null;
    if (q.match.partner === 0) q.match.partner = frame;
    const match: DnsMatch = { partner: q.frame, time: d.frame.tsSec - q.sec + (d.frame.tsNsec - q.nsec) / 1e9 };
    this.byFrame.set(frame, match);
    return match;
  }
}

/** The map the engine attaches as `d.appState`: one tracker per application protocol that matches. */
export function createAppState(): Map<string, unknown> {
  return new Map<string, unknown>([
    [DNS_STATE_KEY, new DnsTransactions()],
    [HTTP_STATE_KEY, new HttpTransactions()],
    [RTP_STATE_KEY, new RtpMedia()],
  ]);
}

export function dnsTransactionsOf(d: Dissection): DnsTransactions | null {
  const s = d.appState?.get(DNS_STATE_KEY);
  return s instanceof DnsTransactions ? s : null;
}
