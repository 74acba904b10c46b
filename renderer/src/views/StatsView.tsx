/**
 * Statistics view: a side list of panels (Summary, Protocol hierarchy, Top talkers, Countries & ASNs,
 * Applications, I/O graph) and the chosen panel. Each panel asks the engine for its numbers and asks again
 * as packets are indexed (see stats/stats-query.ts); "Limit to display filter" restricts every panel but the
 * summary to the packets the current filter shows.
 */
import { useStore } from '../store';
import { PANELS, useStats, type StatsPanel } from './stats/stats-store';
import { StatsSummary } from './stats/StatsSummary';
import { StatsHierarchy } from './stats/StatsHierarchy';
import { StatsTalkers } from './stats/StatsTalkers';
import { StatsGeo } from './stats/StatsGeo';
import { StatsApps } from './stats/StatsApps';
import { StatsIoGraph } from './stats/StatsIoGraph';
import './stats/stats.css';

function Panel({ panel }: { panel: StatsPanel }) {
  switch (panel) {
    case 'summary':
      return <StatsSummary />;
    case 'hierarchy':
      return <StatsHierarchy />;
    case 'talkers':
      return <StatsTalkers />;
    case 'geo':
      return <StatsGeo />;
    case 'apps':
      return <StatsApps />;
    case 'io':
      return <StatsIoGraph />;
  }
}

export function StatsView() {
  const panel = useStats((s) => s.panel);
  const setPanel = useStats((s) => s.setPanel);
  const scope = useStats((s) => s.scope);
  const setScope = useStats((s) => s.setScope);
  const filter = useStore((s) => s.status?.filter ?? '');
  const indexing = useStore((s) => s.status?.indexing ?? false);
  const open = useStore((s) => Boolean(s.status?.path));
  return (
    <div className="view upper stats-view" data-view="StatsView" data-testid="stats-view">
      <nav className="stats-nav" aria-label="Statistics">
        {PANELS.map((p) => (
          <button key={p.id} type="button" className={p.id === panel ? 'stats-nav-item active' : 'stats-nav-item'} onClick={() => setPanel(p.id)} data-panel={p.id}>
            {p.label}
          </button>
        ))}
        <label className="checkbox stats-scope" title={filter ? `Display filter: ${filter}` : 'No display filter is applied'}>
          <input type="checkbox" checked={scope === 'displayed'} onChange={(e) => setScope(e.target.checked ? 'displayed' : 'all')} data-testid="stats-scope" />
          Limit to display filter
        </label>
        {scope === 'displayed' && <div className="muted small stats-filter-text">{filter ? filter : 'no filter applied: every packet'}</div>}
        {indexing && <div className="muted small">Indexing: figures grow as packets are read.</div>}
      </nav>
      <section className="stats-body" data-panel={panel}>
        {open ? <Panel panel={panel} /> : <div className="muted stats-loading">Open a capture to see its statistics.</div>}
      </section>
    </div>
  );
}
