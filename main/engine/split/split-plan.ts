/**
 * Which packets go into which output of a split, computed from the store's columns alone (typed arrays, no
 * object per packet): a unit per written session holding its packets in capture order, plus one "unassigned"
 * unit for packets of no session (ARP, non-IP, fragments of datagrams that never completed).
 *
 * Non-final IP fragments have no session in the table (as in tshark's conversations); a session's file still
 * gets them, taken from the defragmenter's record of which frames completed which datagram, so every file
 * dissects to the same datagrams as the original. The session table's counts (and the split JSON, which
 * matches it) cover the session's own packets only.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { PF_REASSEMBLED } from '../dissect/dissection';
import { IpDefragmenter } from '../dissect/protocols/defrag';
import { TS_HANDSHAKE } from '../sessions/session-table';

export interface SplitOptions {
  /** Ascending 1-based packet numbers selected by a display filter; null: no filter. */
  matching: Uint32Array | null;
  /** Drop TCP sessions whose three-way handshake was not captured. */
  tcpFromHandshake: boolean;
  /** Write packets of no session to one more output. */
  unassigned: boolean;
}

export interface SplitPlan {
  /** Packets considered (the store's count when planned: a growing capture is split as far as indexed). */
  packets: number;
  /** Per unit: the session id, or -1 for the unassigned unit (always last when present). */
  unitSession: Int32Array;
  /** Unit u's packets are order[unitStart[u] .. unitStart[u+1]) (0-based store indices, ascending). */
  unitStart: Uint32Array;
  order: Uint32Array;
  /** Sessions left out, by reason. */
  skippedNoHandshake: number;
  skippedByFilter: number;
  /** Packets of no session (in the unassigned unit when `unassigned`, else dropped). */
  unassignedPackets: number;
}

const SKIP = -1;
const NO_SESSION = -2;

export function planSplit(index: CaptureIndex, opts: SplitOptions): SplitPlan {
  const store = index.store;
  const sessions = index.sessions;
  const n = store.count;
  const S = sessions.count;
  // Sessions with a packet matching the filter, and matching packets (for the unassigned unit).
  let matchedPacket: Uint8Array | null = null;
  const selected = new Uint8Array(S);
  if (opts.matching === null) selected.fill(1);
  else {
    matchedPacket = new Uint8Array(n);
    for (const num of opts.matching) {
      if (num < 1 || num > n) continue;
      matchedPacket[num - 1] = 1;
      const sid = store.session[num - 1] as number;
      if (sid >= 0 && sid < S) selected[sid] = 1;
    }
  }
  let skippedByFilter = 0;
  let skippedNoHandshake = 0;
  for (let id = 0; id < S; id++) {
    if (selected[id] === 0) {
      // Only sessions that have packets in the planned range count (a live capture's newest may not yet).
      if ((sessions.firstPacket[id] as number) <= n) skippedByFilter++;
      continue;
    }
    if (opts.tcpFromHandshake && sessions.proto[id] === 6 && ((sessions.tcpEvents[id] as number) & TS_HANDSHAKE) === 0) {
      selected[id] = 0;
      if ((sessions.firstPacket[id] as number) <= n) skippedNoHandshake++;
    }
  }

  const unitOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const sid = store.session[i] as number;
    unitOf[i] = sid < 0 ? NO_SESSION : selected[sid] === 1 ? sid : SKIP;
  }
  const defrag = index.defrag instanceof IpDefragmenter ? index.defrag : null;
  if (defrag !== null) {
    for (let i = 0; i < n; i++) {
      if (((store.flags[i] as number) & PF_REASSEMBLED) === 0 || (store.session[i] as number) < 0) continue;
      const frames = defrag.completedBy(i + 1);
      if (frames === undefined) continue;
      for (const f of frames) {
        // A fragment goes with the session of the datagram it completed, kept or skipped alike.
        if (f >= 1 && f <= n && f !== i + 1 && (store.session[f - 1] as number) < 0) unitOf[f - 1] = unitOf[i] as number;
      }
    }
  }
  let unassignedPackets = 0;
  const UNASSIGNED = S;
  for (let i = 0; i < n; i++) {
    if (unitOf[i] !== NO_SESSION) continue;
    if (matchedPacket !== null && matchedPacket[i] === 0) {
      unitOf[i] = SKIP;
      continue;
    }
    unassignedPackets++;
    unitOf[i] = opts.unassigned ? UNASSIGNED : SKIP;
  }

  // Counting sort by unit, stable: each unit's packets stay in capture order.
  const counts = new Uint32Array(S + 1);
  for (let i = 0; i < n; i++) {
    const u = unitOf[i] as number;
    if (u >= 0) counts[u]++;
  }
  let units = 0;
  for (let u = 0; u <= S; u++) if ((counts[u] as number) > 0) units++;
  const unitSession = new Int32Array(units);
  const unitStart = new Uint32Array(units + 1);
  const pos = new Uint32Array(S + 1);
  let k = 0;
  let total = 0;
  for (let u = 0; u <= S; u++) {
    const c = counts[u] as number;
    if (c === 0) continue;
    unitSession[k] = u === UNASSIGNED ? -1 : u;
    unitStart[k] = total;
    pos[u] = total;
    total += c;
    k++;
  }
  unitStart[units] = total;
  const order = new Uint32Array(total);
  for (let i = 0; i < n; i++) {
    const u = unitOf[i] as number;
    if (u >= 0) order[pos[u]++] = i;
  }
  return { packets: n, unitSession, unitStart, order, skippedNoHandshake, skippedByFilter, unassignedPackets };
}
