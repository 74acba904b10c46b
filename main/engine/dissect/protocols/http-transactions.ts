/**
 * HTTP/1.x request/response matching (http.request_in, http.response_in, http.time). HTTP/1.x answers
 * requests in order on a connection, so each final response takes the oldest unanswered request of its
 * session; interim 1xx responses (100 Continue) take none, as in Wireshark. Engine-owned like
 * DnsTransactions (see createAppState there): learnt once per frame in the index pass, read afterwards.
 *
 * A frame may carry several messages (pipelining), so results are keyed by frame and message offset.
 */
import type { Dissection } from '../dissection';

export const HTTP_STATE_KEY = 'http';

export interface HttpMatch {
  /** Request: the response's frame (0 none). Response: the request's frame (0 none). */
  partner: number;
  /** Seconds from request to response (responses only, -1 otherwise). */
  time: number;
}

interface Req {
  frame: number;
  sec: number;
  nsec: number;
  match: HttpMatch;
}

export class HttpTransactions {
  private readonly queues = new Map<number, Req[]>();
  private readonly byMessage = new Map<number, HttpMatch>();
  private seenFrame = 0;
  private seenIndex = -1;

  /**
   * `index` orders the messages of this frame (their offset: several per frame when pipelined); `interim`
   * marks a 1xx response.
   * Returns the match of this message, or null.
   */
  observe(d: Dissection, index: number, response: boolean, interim: boolean): HttpMatch | null {
    const frame = d.frame.number;
    const key = frame * 4194304 + (index & 0x3fffff);
    if (frame < this.seenFrame || (frame === this.seenFrame && index <= this.seenIndex)) return this.byMessage.get(key) ?? null;
    this.seenFrame = frame;
    this.seenIndex = index;
    if (d.sessionId < 0) return null;
    let q = this.queues.get(d.sessionId);
    if (!response) {
      const match: HttpMatch = { partner: 0, time: -1 };
      if (q === undefined) this.queues.set(d.sessionId, (q = []));
      // A connection that never answers must not grow without bound.
      if (q.length < 1024) q.push({ frame, sec: d.frame.tsSec, nsec: d.frame.tsNsec, match });
      this.byMessage.set(key, match);
      return match;
    }
    if (interim || q === undefined || q.length === 0) return null;
    const req = q.shift() as Req;
    req.match.partner = frame;
    const match: HttpMatch = { partner: req.frame, time: d.frame.tsSec - req.sec + (d.frame.tsNsec - req.nsec) / 1e9 };
    this.byMessage.set(key, match);
    return match;
  }
}

export function httpTransactionsOf(d: Dissection): HttpTransactions | null {
  const s = d.appState?.get(HTTP_STATE_KEY);
  return s instanceof HttpTransactions ? s : null;
}
