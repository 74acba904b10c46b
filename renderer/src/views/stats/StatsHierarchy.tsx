/**
 * Protocol hierarchy panel (tshark -z io,phs): a tree of protocol layers with packets and bytes, their share
 * of the scope, and the "end" packets/bytes whose chain stops at that layer. Rows collapse; a row's Filter
 * button applies that protocol as the display filter.
 */
import { useMemo, useState } from 'react';
import type { HierarchyNode } from '../../../../shared/views/stats';
import { useStore } from '../../store';
import { formatCount, percent } from './stats-format';
import { useStatsQuery } from './stats-query';
import { useStats } from './stats-store';
import { PanelState } from './PanelState';
import { ShareBar } from './ShareBar';

interface Row extends HierarchyNode {
  index: number;
  hasChildren: boolean;
  endFrames: number;
  endBytes: number;
}

function withEnds(nodes: readonly HierarchyNode[]): Row[] {
  const rows: Row[] = nodes.map((n, index) => ({ ...n, index, hasChildren: false, endFrames: n.frames, endBytes: n.bytes }));
  for (const r of rows) {
    if (r.parent < 0) continue;
    const p = rows[r.parent]!;
    p.hasChildren = true;
    p.endFrames -= r.frames;
    p.endBytes -= r.bytes;
  }
  return rows;
}

export function StatsHierarchy() {
  const scope = useStats((s) => s.scope);
  const q = useStatsQuery('stats.hierarchy', { scope }, scope === 'displayed');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const rows = useMemo(() => (q.data ? withEnds(q.data.nodes) : []), [q.data]);
  // A node's path ("eth/ip/tcp") keys its collapsed state, so it survives re-pulls while packets arrive.
  const paths = useMemo(() => {
    const out: string[] = [];
    for (const r of rows) out.push(r.parent < 0 ? r.name : `${out[r.parent]}/${r.name}`);
    return out;
  }, [rows]);
  const hidden = (r: Row): boolean => {
    for (let p = r.parent; p >= 0; p = rows[p]!.parent) if (collapsed.has(paths[p]!)) return true;
    return false;
  };
  const toggle = (path: string): void => {
    const next = new Set(collapsed);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    setCollapsed(next);
  };
  const total = q.data;
  return (
    <PanelState query={q}>
      {total && (
        <table className="stats-table stats-hierarchy" data-testid="stats-hierarchy">
          <thead>
            <tr>
              <th>Protocol</th>
              <th className="num">Packets</th>
              <th className="share">% Packets</th>
              <th className="num">Bytes</th>
              <th className="share">% Bytes</th>
              <th className="num">End packets</th>
              <th className="num">End bytes</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) =>
              hidden(r) ? null : (
                <tr key={paths[r.index]} data-path={paths[r.index]}>
                  <td className="proto-cell">
                    <span style={{ paddingLeft: r.depth * 16 }} />
                    {r.hasChildren ? (
                      <button type="button" className="twisty" aria-label={collapsed.has(paths[r.index]!) ? 'Expand' : 'Collapse'} onClick={() => toggle(paths[r.index]!)}>
                        {collapsed.has(paths[r.index]!) ? '▸' : '▾'}
                      </button>
                    ) : (
                      <span className="twisty-space" />
                    )}
                    <span className="proto-name">{r.name}</span>
                  </td>
                  <td className="num" data-col="frames">{formatCount(r.frames)}</td>
                  <td className="share">
                    <ShareBar value={r.frames} total={total.frames} label={percent(r.frames, total.frames)} />
                  </td>
                  <td className="num" data-col="bytes">{formatCount(r.bytes)}</td>
                  <td className="share">
                    <ShareBar value={r.bytes} total={total.bytes} label={percent(r.bytes, total.bytes)} />
                  </td>
                  <td className="num">{formatCount(r.endFrames)}</td>
                  <td className="num">{formatCount(r.endBytes)}</td>
                  <td>
                    <button type="button" className="link-button" title={`Display filter: ${r.name}`} onClick={() => void useStore.getState().filterTo(r.name, true)}>
                      Filter
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
          <tfoot>
            <tr>
              <th>Total</th>
              <th className="num">{formatCount(total.frames)}</th>
              <th />
              <th className="num">{formatCount(total.bytes)}</th>
              <th colSpan={4} />
            </tr>
          </tfoot>
        </table>
      )}
    </PanelState>
  );
}
