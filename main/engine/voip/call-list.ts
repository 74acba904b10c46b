/**
 * The dialogs as list rows (shared/views/calls.ts CallRow), sorted and filtered. The sorted, filtered order
 * is cached per query and reused while no dialog changed (the tracker's version), so scrolling a list of many
 * dialogs costs only the rows of the page asked for.
 */
import type { CallRow, CallSortKey, CallStateName, CallStream } from '../../../shared/views/calls';
import { epochString } from '../capture/columns';
import type { RtpStreamStats } from '../analysis/rtp-streams';
import type { Call, CallTracker } from './call-tracker';

export interface CallQuery {
  sort: CallSortKey;
  desc: boolean;
  filter: string;
  states: readonly CallStateName[];
  invitesOnly: boolean;
}

export function streamOf(s: RtpStreamStats): CallStream {
  return {
    src: s.src,
    sport: s.sport,
    dst: s.dst,
    dport: s.dport,
    ssrc: s.ssrc,
    codec: s.payloadNames.join(', '),
    packets: s.packets,
    expected: s.expected,
    lost: s.lost,
    lostPercent: s.lostPercent,
    maxJitter: s.maxJitter,
    meanJitter: s.meanJitter,
    maxDelta: s.maxDelta,
    start: s.start,
    end: s.end,
    firstFrame: s.firstFrame,
    lastFrame: s.lastFrame,
    problem: s.problem,
  };
}

/** Setup time: first INVITE to the 2xx that answered it (null when not answered). */
export function setupTime(t: CallTracker, c: Call): number | null {
  return c.answerIndex >= 0 && c.inviteIndex >= 0 ? t.interval(c.inviteIndex, c.answerIndex) : null;
}

/** Talk time: answer to BYE, or to the dialog's last packet while it lasts (null when not answered). */
export function duration(t: CallTracker, c: Call): number | null {
  if (c.answerIndex < 0) return null;
  return t.interval(c.answerIndex, c.endIndex >= 0 ? c.endIndex : c.lastIndex);
}

export function callRow(t: CallTracker, c: Call): CallRow {
  const store = t.index.store;
  const streams = c.rtp.streams().map(streamOf);
  let lost = 0;
  let maxJitter = 0;
  for (const s of streams) {
    lost += s.lost;
    if (s.maxJitter > maxJitter) maxJitter = s.maxJitter;
  }
  return {
    id: c.id,
    callId: c.callId,
    method: c.dialog.method,
    from: c.from,
    to: c.to,
    caller: c.caller,
    callee: c.callee,
    state: c.dialog.state,
    status: c.dialog.status,
    transport: c.transports.join('+'),
    start: t.relTime(c.firstIndex),
    startTs: epochString(store.tsSec[c.firstIndex] as number, store.tsNsec[c.firstIndex] as number),
    setup: setupTime(t, c),
    duration: duration(t, c),
    messages: c.messages,
    packets: c.sip.length + c.media.length,
    streams,
    lost,
    maxJitter,
    userAgent: c.userAgent,
  };
}

type Key = number | string;

/** The value a dialog sorts by (nulls sort first ascending: "not answered" before any time). */
function sortValue(t: CallTracker, c: Call, key: CallSortKey): Key {
  switch (key) {
    case 'start':
      return c.firstIndex;
    case 'callId':
      return c.callId;
    case 'method':
      return c.dialog.method;
    case 'from':
      return c.from;
    case 'to':
      return c.to;
    case 'state':
      return c.dialog.state;
    case 'status':
      return c.dialog.status;
    case 'setup':
      return setupTime(t, c) ?? -1;
    case 'duration':
      return duration(t, c) ?? -1;
    case 'messages':
      return c.messages;
    case 'streams':
      return c.rtp.streams().length;
    case 'lost': {
      let lost = 0;
      for (const s of c.rtp.streams()) lost += s.lost;
      return lost;
    }
    case 'jitter': {
      let j = 0;
      for (const s of c.rtp.streams()) if (s.maxJitter > j) j = s.maxJitter;
      return j;
    }
    case 'transport':
      return c.transports.join('+');
  }
}

function matches(c: Call, q: CallQuery, needle: string): boolean {
  if (q.invitesOnly && c.dialog.method !== 'INVITE') return false;
  if (q.states.length > 0 && !q.states.includes(c.dialog.state)) return false;
  if (needle === '') return true;
  const hay = `${c.callId}\n${c.from}\n${c.to}\n${c.dialog.method}\n${c.dialog.state}\n${c.dialog.status}\n${c.caller}\n${c.callee}\n${c.transports.join('+')}\n${c.userAgent}`;
  return hay.toLowerCase().includes(needle);
}

/** Sorted, filtered dialog order, cached per query while the tracker's version stays the same. */
export class CallList {
  private cacheKey = '';
  private cacheVersion = -1;
  private order: Call[] = [];

  constructor(private readonly tracker: CallTracker) {}

  /** Dialogs passing `q`, in its order. */
  select(q: CallQuery): readonly Call[] {
    const key = JSON.stringify([q.sort, q.desc, q.filter, q.states, q.invitesOnly]);
    if (key === this.cacheKey && this.cacheVersion === this.tracker.version) return this.order;
    const t = this.tracker;
    const needle = q.filter.trim().toLowerCase();
    const chosen = t.calls.filter((c) => matches(c, q, needle));
    const values = new Map<Call, Key>();
    for (const c of chosen) values.set(c, sortValue(t, c, q.sort));
    const dir = q.desc ? -1 : 1;
    chosen.sort((a, b) => {
      const va = values.get(a) as Key;
      const vb = values.get(b) as Key;
      const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      // Ties keep capture order (stable in both directions).
      return cmp !== 0 ? cmp * dir : a.id - b.id;
    });
    this.order = chosen;
    this.cacheKey = key;
    this.cacheVersion = t.version;
    return chosen;
  }

  rows(q: CallQuery, start: number, count: number): { rows: CallRow[]; total: number } {
    const order = this.select(q);
    const rows = order.slice(start, start + count).map((c) => callRow(this.tracker, c));
    return { rows, total: order.length };
  }
}
