/**
 * I/O graph buckets (tshark -z io,stat,<interval>): packets and bytes per interval of time relative to the
 * first packet, over a range, as a total and split by protocol (the store's Protocol column) or by
 * application (the packet's session → the enrichment's app). Computed per request from the store's typed
 * arrays in integer nanoseconds, so bucket edges fall where tshark's do; a zoom asks again for a narrower
 * range with finer buckets.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { epochString } from '../capture/columns';
import { protocolNames } from '../dissect/protocols-registry';
import type { SessionEnrichment } from '../sessions/session-enrichment';
import type { IoResult, IoSeries, StatsScope } from '../../../shared/views/stats';
import { NO_SESSION } from './apps-summary';

/** Series name of sessions no rule classified (the apps table shows the same words). */
export const UNCLASSIFIED = 'unclassified';

/** Most buckets one answer carries; a finer interval over a wider range is widened to fit. */
export const MAX_BUCKETS = 10_000;

export interface IoParams {
  interval: number;
  from?: number;
  to?: number;
  groupBy: 'none' | 'protocol' | 'app';
  series: number;
}

/** Group of packet i (a small int), or -1 when the graph is not split. */
type GroupOf = (i: number) => number;

export function ioGraph(index: CaptureIndex, enrichment: SessionEnrichment, numbers: Uint32Array | null, scope: StatsScope, p: IoParams, indexing: boolean): IoResult {
  const s = index.store;
  const count = s.count;
  const firstSec = index.firstSec;
  const firstNsec = index.firstNsec;
  // Relative times are taken from the first packet in file order, as tshark's frame.time_relative.
  const rel = (i: number): number => (s.tsSec[i]! - firstSec) * 1e9 + (s.tsNsec[i]! - firstNsec);
  // The index keeps the latest time seen (not the last packet's: captures can be out of order).
  const spanNs = count > 0 ? Math.max(0, (index.lastSec - firstSec) * 1e9 + (index.lastNsec - firstNsec)) : 0;
  const fromNs = Math.max(0, Math.round((p.from ?? 0) * 1e9));
  const toNs = p.to !== undefined ? Math.round(p.to * 1e9) : spanNs + 1;
  let intervalNs = Math.max(1, Math.round(p.interval * 1e9));
  const width = Math.max(1, toNs - fromNs);
  if (width / intervalNs > MAX_BUCKETS) intervalNs = Math.ceil(width / MAX_BUCKETS);
  const buckets = Math.max(1, Math.ceil(width / intervalNs));

  const group = grouping(index, enrichment, p.groupBy);
  const groupCount = group.names.length;
  // First pass: totals per group over the range, to keep the largest as series and fold the rest.
  const totals = new Float64Array(Math.max(1, groupCount));
  const inRange = (i: number): boolean => {
    const t = rel(i);
    return t >= fromNs && t < toNs;
  };
  const each = (fn: (i: number) => void): void => {
    if (numbers === null) {
      for (let i = 0; i < count; i++) fn(i);
    } else {
      for (let k = 0; k < numbers.length; k++) {
        const i = numbers[k]! - 1;
        if (i < count) fn(i);
      }
    }
  };
  if (group.of !== null) {
    const of = group.of;
    each((i) => {
      if (inRange(i)) totals[of(i)]! += s.len[i]!;
    });
  }
  const order = [...Array(groupCount).keys()].filter((g) => totals[g]! > 0).sort((a, b) => totals[b]! - totals[a]!);
  const kept = order.slice(0, p.series);
  const folded = order.length > kept.length;
  const seriesOf = new Int32Array(Math.max(1, groupCount)).fill(folded ? kept.length + 1 : -1);
  kept.forEach((g, k) => (seriesOf[g] = k + 1));
  const names = ['All', ...kept.map((g) => group.names[g]!), ...(folded ? ['Other'] : [])];
  const packets = names.map(() => new Float64Array(buckets));
  const bytes = names.map(() => new Float64Array(buckets));

  const of = group.of;
  each((i) => {
    const t = rel(i);
    if (t < fromNs || t >= toNs) return;
    const b = Math.floor((t - fromNs) / intervalNs);
    const len = s.len[i]!;
    packets[0]![b]! += 1;
    bytes[0]![b]! += len;
    if (of !== null) {
      const k = seriesOf[of(i)]!;
      if (k > 0) {
        packets[k]![b]! += 1;
        bytes[k]![b]! += len;
      }
    }
  });
  const series: IoSeries[] = names.map((name, k) => ({ name, packets: Array.from(packets[k]!), bytes: Array.from(bytes[k]!) }));
  return {
    scope,
    from: fromNs / 1e9,
    interval: intervalNs / 1e9,
    buckets,
    span: spanNs / 1e9,
    firstTs: count > 0 ? epochString(firstSec, firstNsec) : null,
    series,
    indexing,
  };
}

function grouping(index: CaptureIndex, enrichment: SessionEnrichment, by: IoParams['groupBy']): { names: string[]; of: GroupOf | null } {
  const s = index.store;
  if (by === 'protocol') {
    // Protocol column ids are already small ints; their names are the series names.
    const names: string[] = [];
    for (let id = 0; ; id++) {
      const n = protocolNames.name(id);
      if (id > 0 && n === '') break;
      names.push(n === '' ? '(none)' : n);
    }
    return { names, of: (i) => Math.min(s.proto[i]!, names.length - 1) };
  }
  if (by === 'app') {
    // One app index per session, interned once per request (sessions, not packets).
    const sessions = index.sessions.count;
    const appOf = new Int32Array(sessions);
    const ids = new Map<string, number>([[NO_SESSION, 0]]);
    const names = [NO_SESSION];
    for (let sid = 0; sid < sessions; sid++) {
      const app = enrichment.app(sid) || UNCLASSIFIED;
      let id = ids.get(app);
      if (id === undefined) {
        id = names.length;
        names.push(app);
        ids.set(app, id);
      }
      appOf[sid] = id;
    }
    return {
      names,
      of: (i) => {
        const sid = s.session[i]!;
        return sid >= 0 && sid < sessions ? appOf[sid]! : 0;
      },
    };
  }
  return { names: [], of: null };
}
