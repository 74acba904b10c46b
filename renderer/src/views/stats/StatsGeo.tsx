/**
 * Countries & ASNs panel: IP hosts grouped by country (special ranges such as "private" by their label) and
 * by autonomous system, with hosts, packets and bytes (sent + received, as in the endpoints table) and their
 * share; a row's Filter button applies geo.country / geo.asn as the display filter.
 */
import type { AsnRow, GeoRow } from '../../../../shared/views/stats';
import { useStore } from '../../store';
import { countryName, formatBytes, formatCount, percent } from './stats-format';
import { useStatsQuery } from './stats-query';
import { useStats } from './stats-store';
import { PanelState } from './PanelState';
import { ShareBar } from './ShareBar';

function filterButton(expr: string) {
  return (
    <button type="button" className="link-button" title={`Display filter: ${expr}`} onClick={() => void useStore.getState().filterTo(expr, true)}>
      Filter
    </button>
  );
}

export function StatsGeo() {
  const scope = useStats((s) => s.scope);
  const q = useStatsQuery('stats.geo', { scope, limit: 200 }, scope === 'displayed');
  const r = q.data;
  return (
    <PanelState query={q}>
      {r && (
        <div className="stats-geo">
          <div className="stats-panel-bar">
            <span data-testid="geo-split">
              Public: {formatCount(r.publicHosts)} hosts, {formatBytes(r.publicBytes)} ({percent(r.publicBytes, r.hostBytes)}) · Private and special ranges:{' '}
              {formatCount(r.privateHosts)} hosts, {formatBytes(r.privateBytes)} ({percent(r.privateBytes, r.hostBytes)})
            </span>
          </div>
          <div className="stats-geo-tables">
            <table className="stats-table" data-testid="stats-countries">
              <thead>
                <tr>
                  <th>Country / range</th>
                  <th className="num">Hosts</th>
                  <th className="num">Packets</th>
                  <th className="num">Bytes</th>
                  <th className="share">% Bytes</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {r.countries.map((c: GeoRow) => (
                  <tr key={c.key || '?'} data-key={c.key}>
                    <td>
                      {countryName(c.key)} {/^[A-Z]{2}$/.test(c.key) && <span className="muted small">{c.key}</span>}
                    </td>
                    <td className="num">{formatCount(c.hosts)}</td>
                    <td className="num">{formatCount(c.packets)}</td>
                    <td className="num">{formatCount(c.bytes)}</td>
                    <td className="share">
                      <ShareBar value={c.bytes} total={r.hostBytes} label={percent(c.bytes, r.hostBytes)} />
                    </td>
                    <td>{c.key !== '' && filterButton(`geo.country == "${c.key}"`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table className="stats-table" data-testid="stats-asns">
              <thead>
                <tr>
                  <th>Autonomous system</th>
                  <th className="num">Hosts</th>
                  <th className="num">Packets</th>
                  <th className="num">Bytes</th>
                  <th className="share">% Bytes</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {r.asns.map((a: AsnRow) => (
                  <tr key={a.asn} data-asn={a.asn}>
                    <td>{a.asn === 0 ? <span className="muted">No AS (private or unknown)</span> : `AS${a.asn} ${a.org}`}</td>
                    <td className="num">{formatCount(a.hosts)}</td>
                    <td className="num">{formatCount(a.packets)}</td>
                    <td className="num">{formatCount(a.bytes)}</td>
                    <td className="share">
                      <ShareBar value={a.bytes} total={r.hostBytes} label={percent(a.bytes, r.hostBytes)} />
                    </td>
                    <td>{a.asn !== 0 && filterButton(`geo.asn == ${a.asn}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="muted small">Each packet counts for its source and its destination host, as in the top talkers table.</div>
        </div>
      )}
    </PanelState>
  );
}
