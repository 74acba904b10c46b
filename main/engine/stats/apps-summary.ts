/**
 * Applications and categories: the sessions of a scope grouped by the application the session enrichment
 * gave them (and by its category), with sessions, packets, bytes and distinct hosts. Packets outside any
 * session (ARP, non-final IP fragments …) form a row of their own so the rows add up to the scope.
 */
import type { CaptureIndex } from '../capture/capture-index';
import type { SessionEnrichment } from '../sessions/session-enrichment';
import type { AppRow, AppsResult, StatsScope } from '../../../shared/views/stats';
import type { ScopeCounts } from './scope-counts';

/** The row name of packets that belong to no session. */
export const NO_SESSION = '(no session)';

interface Group {
  row: AppRow;
  hosts: Set<number>;
}

export function appsSummary(index: CaptureIndex, enrichment: SessionEnrichment, counts: ScopeCounts, scope: StatsScope, indexing: boolean): AppsResult {
  const apps = new Map<string, Group>();
  const categories = new Map<string, Group>();
  const s = index.sessions;
  const n = Math.min(s.count, counts.sessionPackets.length);
  for (let sid = 0; sid < n; sid++) {
    const packets = counts.sessionPackets[sid]!;
    if (packets === 0) continue;
    const bytes = counts.sessionBytes[sid]!;
    const app = enrichment.app(sid);
    const category = enrichment.category(sid);
    add(apps, app, category, packets, bytes, s.epA[sid]!, s.epB[sid]!);
    add(categories, category, category, packets, bytes, s.epA[sid]!, s.epB[sid]!);
  }
  const loose = (): AppRow => ({ name: NO_SESSION, category: '', sessions: 0, packets: counts.loosePackets, bytes: counts.looseBytes, hosts: 0 });
  const rows = (m: Map<string, Group>): AppRow[] => {
    const out = [...m.values()].map((g) => ({ ...g.row, hosts: g.hosts.size }));
    if (counts.loosePackets > 0) out.push(loose());
    return out.sort((a, b) => b.bytes - a.bytes || b.packets - a.packets || (a.name < b.name ? -1 : 1));
  };
  return { scope, apps: rows(apps), categories: rows(categories), packets: counts.packets, bytes: counts.bytes, indexing };
}

function add(m: Map<string, Group>, name: string, category: string, packets: number, bytes: number, a: number, b: number): void {
  let g = m.get(name);
  if (g === undefined) m.set(name, (g = { row: { name, category, sessions: 0, packets: 0, bytes: 0, hosts: 0 }, hosts: new Set() }));
  g.row.sessions++;
  g.row.packets += packets;
  g.row.bytes += bytes;
  g.hosts.add(a);
  g.hosts.add(b);
}
