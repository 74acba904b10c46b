/**
 * Applications panel: sessions grouped by the application (and category) the classification gave them, with
 * sessions, packets, bytes, hosts and share. A row's Filter button applies app / app.category.
 */
import type { AppRow } from '../../../../shared/views/stats';
import { useStore } from '../../store';
import { appName, formatCount, percent } from './stats-format';
import { useStatsQuery } from './stats-query';
import { useStats } from './stats-store';
import { PanelState } from './PanelState';
import { ShareBar } from './ShareBar';

const NO_SESSION = '(no session)';

function AppTable({ rows, total, kind }: { rows: AppRow[]; total: number; kind: 'app' | 'category' }) {
  return (
    <table className="stats-table" data-testid={kind === 'app' ? 'stats-apps' : 'stats-categories'}>
      <thead>
        <tr>
          <th>{kind === 'app' ? 'Application' : 'Category'}</th>
          {kind === 'app' && <th>Category</th>}
          <th className="num">Sessions</th>
          <th className="num">Hosts</th>
          <th className="num">Packets</th>
          <th className="num">Bytes</th>
          <th className="share">% Bytes</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={a.name} data-name={a.name}>
            <td>{a.name === NO_SESSION ? <span className="muted">{NO_SESSION}</span> : appName(a.name)}</td>
            {kind === 'app' && <td>{a.category}</td>}
            <td className="num">{formatCount(a.sessions)}</td>
            <td className="num">{formatCount(a.hosts)}</td>
            <td className="num">{formatCount(a.packets)}</td>
            <td className="num">{formatCount(a.bytes)}</td>
            <td className="share">
              <ShareBar value={a.bytes} total={total} label={percent(a.bytes, total)} />
            </td>
            <td>
              {a.name !== NO_SESSION && a.name !== '' && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => void useStore.getState().filterTo(`${kind === 'app' ? 'app' : 'app.category'} == "${a.name}"`, true)}
                >
                  Filter
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StatsApps() {
  const scope = useStats((s) => s.scope);
  const q = useStatsQuery('stats.apps', { scope }, scope === 'displayed');
  const r = q.data;
  return (
    <PanelState query={q}>
      {r && (
        <div className="stats-apps-panel">
          <AppTable rows={r.apps} total={r.bytes} kind="app" />
          <h4>Categories</h4>
          <AppTable rows={r.categories} total={r.bytes} kind="category" />
        </div>
      )}
    </PanelState>
  );
}
