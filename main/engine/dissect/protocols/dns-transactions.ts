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

const NONE = -1;

function grow<T extends Uint32Array | Int32Array | Float64Array | Uint16Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, Math.ceil(a.length * 1.5), 16));
  b.set(a);
  return b;
}

/**
 * Kept in typed arrays, not an object per frame: a capture can hold millions of DNS messages. Three tables:
 * matches (partner, time; a retransmitted query shares its original's), learnt frames (frame → match, in
 * frame order, so a later re-dissection finds its frame by binary search) and pending queries (frame, time,
 * match, id) looked up by (session, id): the session's latest query sits in a per-session slot, and only a
 * second id pending on the same session goes to a Map.
 */
export class DnsTransactions {
  private mPartner = new Uint32Array(256);
  private mTime = new Float64Array(256);
  private nMatch = 0;
  private lFrame = new Uint32Array(256);
  private lMatch = new Int32Array(256);
  private nLearnt = 0;
  private pFrame = new Uint32Array(256);
  private pSec = new Float64Array(256);
  private pNsec = new Uint32Array(256);
  private pMatch = new Int32Array(256);
  private pId = new Uint16Array(256);
  private nPending = 0;
  /** Per session: its latest pending query (index into p*), NONE when it has none. */
  private slot = new Int32Array(256).fill(NONE);
  /** (session, id) → pending index for ids other than the one in the session's slot. */
  private readonly overflow = new Map<number, number>();
  /** Highest frame number learnt: anything at or below was seen (the index pass goes in order). */
  private seen = 0;
  /** The returned match: read at once by the decoder, overwritten by the next call. */
  private readonly out: DnsMatch = { partner: 0, time: -1 };

  /**
   * Learns (first time) or looks up (later) the frame being dissected in `d`. Returns its match, or null
   * when the frame carries no DNS message with a session (then there is nothing to show). The object is
   * reused by the next call.
   */
  observe(d: Dissection, id: number, response: boolean): DnsMatch | null {
    const frame = d.frame.number;
    if (frame <= this.seen) return this.lookup(frame);
    this.seen = frame;
    const sid = d.sessionId;
    if (sid < 0) return null;
    const sec = d.frame.tsSec;
    const nsec = d.frame.tsNsec;
    const prev = this.pendingOf(sid, id);
    if (!response) {
      // Wireshark: the same id again, unanswered and within 5 s, is a retransmission of the pending query
      // (it shares that query's match) rather than a new transaction.
      if (prev !== NONE) {
        const m = this.pMatch[prev] as number;
        if (this.mPartner[m] === 0 && sec - (this.pSec[prev] as number) + (nsec - (this.pNsec[prev] as number)) / 1e9 < RETRANSMISSION_S) {
          this.learn(frame, m);
          return this.result(m);
        }
      }
      const m = this.newMatch(0, -1);
      this.setPending(sid, id, prev, frame, sec, nsec, m);
      this.learn(frame, m);
      return this.result(m);
    }
    if (prev === NONE) return null;
    const qm = this.pMatch[prev] as number;
    if (this.mPartner[qm] === 0) this.mPartner[qm] = frame;
    const m = this.newMatch(this.pFrame[prev] as number, sec - (this.pSec[prev] as number) + (nsec - (this.pNsec[prev] as number)) / 1e9);
    this.learn(frame, m);
    return this.result(m);
  }

  private result(m: number): DnsMatch {
    this.out.partner = this.mPartner[m] as number;
    this.out.time = this.mTime[m] as number;
    return this.out;
  }

  private lookup(frame: number): DnsMatch | null {
    let lo = 0;
    let hi = this.nLearnt - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const f = this.lFrame[mid] as number;
      if (f === frame) return this.result(this.lMatch[mid] as number);
      if (f < frame) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }

  private newMatch(partner: number, time: number): number {
    const m = this.nMatch++;
    this.mPartner = grow(this.mPartner, this.nMatch);
    this.mTime = grow(this.mTime, this.nMatch);
    this.mPartner[m] = partner;
    this.mTime[m] = time;
    return m;
  }

  private learn(frame: number, m: number): void {
    const i = this.nLearnt++;
    this.lFrame = grow(this.lFrame, this.nLearnt);
    this.lMatch = grow(this.lMatch, this.nLearnt);
    this.lFrame[i] = frame;
    this.lMatch[i] = m;
  }

  private pendingOf(sid: number, id: number): number {
    if (sid >= this.slot.length) return NONE;
    const p = this.slot[sid] as number;
    if (p === NONE) return NONE;
    if (this.pId[p] === id) return p;
    return this.overflow.get(sid * 65536 + id) ?? NONE;
  }

  /** The latest query for (sid, id): reuses the pending entry `prev` of that key, else a new one. */
  private setPending(sid: number, id: number, prev: number, frame: number, sec: number, nsec: number, m: number): void {
    let p = prev;
    if (p === NONE) {
      p = this.nPending++;
      this.pFrame = grow(this.pFrame, this.nPending);
      this.pSec = grow(this.pSec, this.nPending);
      this.pNsec = grow(this.pNsec, this.nPending);
      this.pMatch = grow(this.pMatch, this.nPending);
      this.pId = grow(this.pId, this.nPending);
      if (sid >= this.slot.length) {
        const old = this.slot.length;
        this.slot = grow(this.slot, sid + 1);
        this.slot.fill(NONE, old);
      }
      const cur = this.slot[sid] as number;
      if (cur === NONE) this.slot[sid] = p;
      else {
        // The slot keeps the most recent id (the likeliest to be answered next); the one it held moves out.
        this.overflow.set(sid * 65536 + (this.pId[cur] as number), cur);
        this.slot[sid] = p;
      }
    }
    this.pFrame[p] = frame;
    this.pSec[p] = sec;
    this.pNsec[p] = nsec;
    this.pMatch[p] = m;
    this.pId[p] = id;
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
