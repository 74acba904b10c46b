/**
 * Export sessions…: the session table as CSV, JSON lines or Parquet (typed columns that Spark, Trino,
 * ClickHouse and DuckDB load unchanged), or one of the logs as CSV or JSON lines. In the browser the file is
 * downloaded; in Electron main asks where to save it. Opened from the toolbar, which owns its open state.
 */
import { useState } from 'react';
import type { Params } from '../../../shared/contract';
import { EXPORT_LOG_KINDS } from '../../../shared/views/data';
import { Dialog } from '../components/Dialog';
import { client, platform } from '../connection';
import { download } from '../download';
import { formatCount } from '../format';
import { errorText, useStore } from '../store';
import './split.css';

type What = 'sessions' | (typeof EXPORT_LOG_KINDS)[number];
type Format = Params<'data.exportSessions'>['format'];

const LABELS: Record<What, string> = {
  sessions: 'Session table',
  dns: 'DNS log',
  http: 'HTTP log',
  tls: 'TLS log',
  sip: 'SIP log',
  apps: 'Applications log',
};

const FORMAT_LABELS: Record<Format, string> = { csv: 'CSV', jsonl: 'JSON lines', parquet: 'Parquet' };

export function ExportSessionsDialog({ onClose }: { onClose(): void }) {
  const notify = useStore((s) => s.notify);
  const filter = useStore((s) => s.status?.filter ?? '');
  const [what, setWhat] = useState<What>('sessions');
  const [format, setFormat] = useState<Format>('csv');
  const [displayed, setDisplayed] = useState(filter !== '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Parquet is offered for the session table only (logs hold lists and varying columns).
  const effective: Format = what !== 'sessions' && format === 'parquet' ? 'csv' : format;

  const run = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const r =
        what === 'sessions'
          ? await client.request('data.exportSessions', { format: effective, displayed: displayed && filter !== '' })
          : await client.request('data.exportLog', { kind: what, format: effective === 'jsonl' ? 'jsonl' : 'csv' });
      if (r.downloadUrl) download(r.downloadUrl);
      notify(`Exported ${formatCount(r.written)} ${what === 'sessions' ? 'sessions' : 'records'} as ${FORMAT_LABELS[effective]}${r.path ? ` to ${r.path}` : ''}.`);
      onClose();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Export sessions and logs" onClose={onClose} testId="export-sessions-dialog">
      <fieldset>
        <legend>What</legend>
        <div className="export-data-kind">
          {(['sessions', ...EXPORT_LOG_KINDS] as What[]).map((w) => (
            <label key={w} className="radio">
              <input type="radio" name="export-what" checked={what === w} onChange={() => setWhat(w)} data-testid={`export-what-${w}`} />
              {LABELS[w]}
            </label>
          ))}
        </div>
        {what === 'sessions' && (
          <label className="checkbox" title={filter === '' ? 'Apply a display filter first' : undefined}>
            <input
              type="checkbox"
              checked={displayed && filter !== ''}
              disabled={filter === ''}
              onChange={(e) => setDisplayed(e.target.checked)}
              data-testid="export-sessions-displayed"
            />
            only sessions with a packet shown by the display filter
            {filter !== '' && <code className="split-filter">{filter}</code>}
          </label>
        )}
      </fieldset>
      <fieldset>
        <legend>Format</legend>
        {(['csv', 'jsonl', 'parquet'] as Format[]).map((f) => (
          <label key={f} className="radio">
            <input
              type="radio"
              name="export-format"
              checked={effective === f}
              disabled={f === 'parquet' && what !== 'sessions'}
              onChange={() => setFormat(f)}
              data-testid={`export-data-format-${f}`}
            />
            {FORMAT_LABELS[f]}
            <span className="muted small">
              {f === 'csv' ? ' header line, RFC 4180 quoting' : f === 'jsonl' ? ' one JSON object per line' : ' typed columns (session table only)'}
            </span>
          </label>
        ))}
      </fieldset>
      {platform === 'browser' && <div className="muted small">The file is downloaded by the browser.</div>}
      {error && <div className="error-text" data-testid="export-sessions-error">{error}</div>}
      <div className="dialog-buttons">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={busy} onClick={() => void run()} data-testid="export-sessions-confirm">
          {busy ? 'Exporting…' : 'Export'}
        </button>
      </div>
    </Dialog>
  );
}
