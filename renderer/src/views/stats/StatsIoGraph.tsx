/**
 * I/O graph panel: packets/s or bits/s over time, for all packets and per protocol or application, drawn
 * with uPlot. Dragging across the chart zooms: the engine is asked again for that range with finer buckets
 * (the interval follows the range unless one is chosen); double-click or "Whole capture" zooms out. The
 * buckets are also listed in a table (what the graph plots, to read exact numbers).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { IoResult } from '../../../../shared/views/stats';
import { appName, formatCount, intervalLabel, niceInterval, si } from './stats-format';
import { useStatsQuery } from './stats-query';
import { useStats, type IoGroup, type IoMetric } from './stats-store';
import { PanelState } from './PanelState';

/** Buckets aimed for when the interval follows the range shown. */
const TARGET_BUCKETS = 300;
const INTERVALS = [1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 60, 600, 3600];
const COLORS = ['#1f1f1f', '#2f6fd6', '#e8710a', '#1e8e3e', '#d93025', '#9334e6', '#12b5cb', '#f9ab00', '#795548', '#e52592', '#5f6368', '#7cb342', '#a0a0a0', '#00897b'];

function seriesLabel(name: string, group: IoGroup): string {
  return group === 'app' && name !== 'All' && name !== 'Other' ? appName(name) : name;
}

function chartData(r: IoResult, metric: IoMetric): uPlot.AlignedData {
  const xs = Array.from({ length: r.buckets }, (_, k) => r.from + k * r.interval);
  const ys = r.series.map((s) => (metric === 'packets' ? s.packets.map((p) => p / r.interval) : s.bytes.map((b) => (b * 8) / r.interval)));
  return [xs, ...ys];
}

function IoChart({ result, metric, group, onZoom, onReset }: { result: IoResult; metric: IoMetric; group: IoGroup; onZoom(from: number, to: number): void; onReset(): void }) {
  const host = useRef<HTMLDivElement | null>(null);
  const plot = useRef<uPlot | null>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const names = result.series.map((s) => s.name).join('|');

  // The chart is rebuilt when its series change; new numbers for the same series only replace the data.
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const unit = metric === 'packets' ? 'packets/s' : 'bit/s';
    const opts: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height: Math.max(160, el.clientHeight - 40),
      scales: { x: { time: false } },
      cursor: { drag: { x: true, y: false, setScale: false } },
      legend: { live: true },
      axes: [
        { label: 'seconds since the first packet', values: (_u, ticks) => ticks.map((t) => `${Number(t.toPrecision(6))}`) },
        { label: unit, size: 70, values: (_u, ticks) => ticks.map((t) => si(t, '')) },
      ],
      series: [
        { label: 's', value: (_u, v) => (v === null ? '' : `${Number(v.toPrecision(8))} s`) },
        ...result.series.map((s, k) => ({
          label: seriesLabel(s.name, group),
          stroke: COLORS[k % COLORS.length],
          width: k === 0 ? 2 : 1.25,
          fill: k === 0 && result.series.length === 1 ? 'rgba(47,111,214,0.08)' : undefined,
          value: (_u: uPlot, v: number | null) => (v === null ? '' : si(v, unit)),
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            const { left, width } = u.select;
            if (width < 3) return;
            const from = u.posToVal(left, 'x');
            const to = u.posToVal(left + width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoom.current(Math.max(0, from), to);
          },
        ],
      },
    };
    const u = new uPlot(opts, chartData(result, metric), el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(300, el.clientWidth), height: Math.max(160, el.clientHeight - 40) }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series, the metric or the grouping change (`result` is read for the first data).
  }, [names, metric, group]);

  useEffect(() => {
    plot.current?.setData(chartData(result, metric));
  }, [result, metric]);

  return <div className="io-chart" ref={host} data-testid="io-chart" onDoubleClick={onReset} />;
}

export function StatsIoGraph() {
  const scope = useStats((s) => s.scope);
  const { ioGroup: group, ioMetric: metric, ioInterval, ioRange: range } = useStats();
  const st = useStats.getState();
  const [span, setSpan] = useState<number | null>(null);
  // The bucket table is rendered only while open (up to 10,000 rows).
  const [tableOpen, setTableOpen] = useState(false);
  const width = range ? range.to - range.from : (span ?? 1);
  const interval = ioInterval ?? niceInterval(Math.max(width, 1e-6) / TARGET_BUCKETS);
  const params = useMemo(
    () => ({ scope, interval, groupBy: group, series: 8, ...(range ? { from: range.from, to: range.to } : {}) }),
    [scope, interval, group, range],
  );
  const q = useStatsQuery('stats.io', params, scope === 'displayed');
  const r = q.data;
  useEffect(() => {
    if (r) setSpan(r.span);
  }, [r]);

  return (
    <div
      className="stats-io"
      data-testid="stats-io"
      data-from={r ? String(r.from) : undefined}
      data-interval={r ? String(r.interval) : undefined}
      data-buckets={r ? String(r.buckets) : undefined}
    >
      <div className="stats-panel-bar">
        <label className="radio">
          Show
          <select value={metric} onChange={(e) => st.setIoMetric(e.target.value as IoMetric)} data-testid="io-metric">
            <option value="packets">packets/s</option>
            <option value="bits">bits/s</option>
          </select>
        </label>
        <label className="radio">
          by
          <select value={group} onChange={(e) => st.setIoGroup(e.target.value as IoGroup)} data-testid="io-group">
            <option value="none">all packets</option>
            <option value="protocol">protocol</option>
            <option value="app">application</option>
          </select>
        </label>
        <label className="radio">
          Interval
          <select
            value={ioInterval === null ? 'auto' : String(ioInterval)}
            onChange={(e) => st.setIoInterval(e.target.value === 'auto' ? null : Number(e.target.value))}
            data-testid="io-interval"
          >
            <option value="auto">auto ({r ? intervalLabel(r.interval) : '…'})</option>
            {INTERVALS.map((i) => (
              <option key={i} value={String(i)}>
                {intervalLabel(i)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={range === null} onClick={() => st.setIoRange(null)} data-testid="io-reset">
          Whole capture
        </button>
        <span className="muted small" data-testid="io-range">
          {r ? `${Number(r.from.toPrecision(9))} – ${Number((r.from + r.buckets * r.interval).toPrecision(9))} s, ${formatCount(r.buckets)} × ${intervalLabel(r.interval)}` : ''}
        </span>
        <span className="muted small">Drag across the graph to zoom in.</span>
      </div>
      <PanelState query={q}>
        {r && (
          <>
            <IoChart result={r} metric={metric} group={group} onZoom={(from, to) => to > from && st.setIoRange({ from, to })} onReset={() => st.setIoRange(null)} />
            <details className="io-table-wrap" onToggle={(e) => setTableOpen(e.currentTarget.open)}>
              <summary>Buckets as a table</summary>
              {tableOpen && (
              <table className="stats-table io-table" data-testid="io-table">
                <thead>
                  <tr>
                    <th className="num">From (s)</th>
                    {r.series.map((s) => (
                      <th key={s.name} className="num" colSpan={2}>
                        {seriesLabel(s.name, group)} packets / bytes
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {Array.from({ length: r.buckets }, (_, k) => (
                    <tr key={k}>
                      <td className="num">{Number((r.from + k * r.interval).toPrecision(9))}</td>
                      {r.series.map((s) => [
                        <td key={`${s.name}p`} className="num" data-col="packets">
                          {s.packets[k]}
                        </td>,
                        <td key={`${s.name}b`} className="num" data-col="bytes">
                          {s.bytes[k]}
                        </td>,
                      ])}
                    </tr>
                  ))}
                </tbody>
              </table>
              )}
            </details>
          </>
        )}
      </PanelState>
    </div>
  );
}
