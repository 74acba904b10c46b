/** Summary panel: what capinfos says about the file, and the interfaces with their packet counts. */
import type { StatsSummary as Summary } from '../../../../shared/views/stats';
import { basename } from '../../format';
import { duration, formatBytes, formatCount, si, utcTime } from './stats-format';
import { useStatsQuery } from './stats-query';
import { PanelState } from './PanelState';

function rate(v: number | null, unit: string): string {
  return v === null ? 'n/a' : si(v, unit);
}

/** Label, text shown, test/field id, and the raw value (data-value: exact, for reading back). */
type Line = [string, string, string, string];

function rows(s: Summary): Line[] {
  const lines: Line[] = [
    ['File', basename(s.path), 'file', s.path],
    ['File type', s.format, 'format', s.format],
    ['File size', `${formatCount(s.fileSize)} bytes (${formatBytes(s.fileSize)})`, 'file-size', String(s.fileSize)],
    ['Encapsulation', s.encapsulation || '—', 'encapsulation', s.encapsulation],
    ['Time precision', s.timePrecision || '—', 'precision', s.timePrecision],
    ['Packet size limit', s.snaplen === null ? 'per interface' : `${formatCount(s.snaplen)} bytes`, 'snaplen', String(s.snaplen ?? '')],
    ['Packets', formatCount(s.packets), 'packets', String(s.packets)],
    ['Data size', `${formatCount(s.dataBytes)} bytes (${formatBytes(s.dataBytes)})`, 'data-size', String(s.dataBytes)],
    ['Captured size', `${formatCount(s.capturedBytes)} bytes`, 'captured-size', String(s.capturedBytes)],
    ['First packet', utcTime(s.firstTs), 'first', s.firstTs ?? ''],
    ['Last packet', utcTime(s.lastTs), 'last', s.lastTs ?? ''],
    ['Duration', duration(s.duration), 'duration', String(s.duration)],
    ['Average packet rate', rate(s.packetRate, 'packets/s'), 'packet-rate', String(s.packetRate ?? '')],
    ['Average data rate', `${rate(s.byteRate, 'B/s')} · ${rate(s.bitRate, 'bit/s')}`, 'data-rate', String(s.byteRate ?? '')],
    ['Average packet size', s.avgPacketSize === null ? 'n/a' : `${s.avgPacketSize.toFixed(2)} bytes`, 'avg-size', String(s.avgPacketSize ?? '')],
    ['Strict time order', s.strictTimeOrder ? 'yes' : 'no', 'order', String(s.strictTimeOrder)],
    ['Sessions', formatCount(s.sessions), 'sessions', String(s.sessions)],
    ['IP hosts', formatCount(s.hosts), 'hosts', String(s.hosts)],
  ];
  if (s.hardware) lines.push(['Capture hardware', s.hardware, 'hardware', s.hardware]);
  if (s.os) lines.push(['Capture OS', s.os, 'os', s.os]);
  if (s.application) lines.push(['Capture application', s.application, 'application', s.application]);
  return lines;
}

export function StatsSummary() {
  const q = useStatsQuery('stats.summary', {}, false);
  const s = q.data;
  return (
    <PanelState query={q}>
      {s && (
        <div className="stats-summary" data-testid="stats-summary">
          <table className="stats-kv">
            <tbody>
              {rows(s).map(([k, v, id, raw]) => (
                <tr key={id}>
                  <th>{k}</th>
                  <td data-field={id} data-value={raw}>
                    {v}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {s.comments.length > 0 && (
            <div className="stats-comments">
              <h4>File comments</h4>
              {s.comments.map((c, i) => (
                <pre key={i}>{c}</pre>
              ))}
            </div>
          )}
          {s.problems.length > 0 && (
            <div className="stats-problems error-text">
              {s.problems.map((p, i) => (
                <div key={i}>{p}</div>
              ))}
            </div>
          )}
          <h4>Interfaces</h4>
          <table className="stats-table" data-testid="stats-interfaces">
            <thead>
              <tr>
                <th>#</th>
                <th>Name</th>
                <th>Encapsulation</th>
                <th className="num">Snap length</th>
                <th>Time precision</th>
                <th className="num">Packets</th>
                <th className="num">Bytes</th>
              </tr>
            </thead>
            <tbody>
              {s.interfaces.map((i) => (
                <tr key={`${i.section}.${i.index}`}>
                  <td>{s.interfaces.some((x) => x.section > 0) ? `${i.section}.${i.index}` : i.index}</td>
                  <td>{i.name || i.description || '—'}</td>
                  <td>{i.encapsulation}</td>
                  <td className="num">{formatCount(i.snaplen)}</td>
                  <td>{i.timePrecision}</td>
                  <td className="num">{formatCount(i.packets)}</td>
                  <td className="num">{formatCount(i.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </PanelState>
  );
}
