/**
 * Per-connection state for TLS and QUIC, kept on the engine-provided `Dissection.appState` map (never in
 * module globals: two passes or two files must not see each other's connections). Without that map every
 * packet is decoded on its own, which is still right for everything that fits in one packet.
 */
import { NET_IPV4, type Dissection } from '../dissection';

function endpoint(addr: Uint8Array, n: number, port: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += (addr[i] as number).toString(16).padStart(2, '0');
  return `${s}:${port}`;
}

/**
 * A direction-independent key for the packet's transport connection and which side sent it (0: the
 * endpoint that sorts first). Null when addresses or ports are unknown.
 */
export function connectionOf(d: Dissection, prefix: string): { key: string; side: 0 | 1 } | null {
  if (d.sport < 0 || d.dport < 0) return null;
  const n = d.netType === NET_IPV4 ? 4 : 16;
  const a = endpoint(d.netSrc, n, d.sport);
  const b = endpoint(d.netDst, n, d.dport);
  return a <= b ? { key: `${prefix}|${d.ipProto}|${a}|${b}`, side: 0 } : { key: `${prefix}|${d.ipProto}|${b}|${a}`, side: 1 };
}

/** How a connection is found again: the session id (number) when the session layer gave one, else connectionOf's key. */
export type ConnKey = number | string;

/**
 * The packet's connection and side: the session (`d.sessionId`, side `d.direction`) when the session layer set
 * one before the payload was decoded (no string is built), else the address 4-tuple (connectionOf).
 */
export function connKey(d: Dissection, prefix: string): { key: ConnKey; side: 0 | 1 } | null {
  if (d.sessionId >= 0) return { key: d.sessionId, side: d.direction === 0 ? 0 : 1 };
  return connectionOf(d, prefix);
}

/**
 * Frame-versioned state ("learn once, then read", as dns-transactions.ts): a connection keeps a list of marks,
 * each the state at the start of a frame, pushed (in file order) only when the state changed since the last
 * mark. A frame dissected again later starts from `markAt(marks, frame)` on a scratch copy, never from the
 * connection's current state, which is where the whole file left it.
 */
export interface FrameMark {
  readonly frame: number;
}

/** The last mark at or before `frame` (marks are in increasing frame order), or null: the initial state. */
export function markAt<T extends FrameMark>(marks: readonly T[] | null, frame: number): T | null {
  if (marks === null) return null;
  let lo = 0;
  let hi = marks.length - 1;
  let found: T | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = marks[mid] as T;
    if (m.frame <= frame) {
      found = m;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The state object stored under `key`, created by `make` on first use; null when the engine keeps no state. */
export function stateFor<T>(d: Dissection, key: string, make: () => T): T | null {
  const map = d.appState;
  if (map === null) return null;
  let s = map.get(key) as T | undefined;
  if (s === undefined) {
    s = make();
    map.set(key, s);
  }
  return s;
}

/** Runs `fn` with `data` as the buffer being decoded (tree ranges refer to `source`), then restores the frame's. */
export function withBuffer(d: Dissection, data: Uint8Array, source: string, fn: () => void): void {
  const buf = d.buf;
  const dv = d.dv;
  const src = d.source;
  d.switchBuffer(data, source);
  try {
    fn();
  } finally {
    d.buf = buf;
    d.dv = dv;
    d.source = src;
  }
}
