/**
 * Export Specified Packets: all / displayed / range / marked, as pcap or pcapng. In the browser the engine
 * answers with a one-time download URL, fetched through an <a download>; in Electron main asks where to save.
 */
import { useCallback, useState } from 'react';
import type { Params } from '../../../shared/contract';
import { client, platform } from '../connection';
import { formatCount } from '../format';
import { errorText, useStore } from '../store';
import { download } from '../download';
import { Dialog } from './Dialog';

type Scope = Params<'export.packets'>['scope'];

export function ExportDialog() {
  const setDialog = useStore((s) => s.setDialog);
  const notify = useStore((s) => s.notify);
  const status = useStore((s) => s.status);
  const marked = useStore((s) => s.marked);
  const selected = useStore((s) => s.selected);
  const [scope, setScope] = useState<Scope>(status?.filter ? 'displayed' : 'all');
  const [format, setFormat] = useState<'pcap' | 'pcapng'>('pcapng');
  const [from, setFrom] = useState(String(selected ?? 1));
  const [to, setTo] = useState(String(status?.packets ?? 1));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = useCallback(() => setDialog(null), [setDialog]);

  const run = async (): Promise<void> => {
    const params: Params<'export.packets'> = { scope, format };
    if (scope === 'range') {
      const a = Number(from);
      const b = Number(to);
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b < a) {
        setError('Enter a range: first ≤ last, both packet numbers.');
        return;
      }
      params.from = a;
      params.to = b;
    }
    if (scope === 'marked') {
      if (marked.size === 0) {
        setError('No packets are marked (Ctrl+M marks the selected packet).');
        return;
      }
      params.numbers = [...marked].sort((x, y) => x - y);
    }
    setBusy(true);
    setError(null);
    try {
      const r = await client.request('export.packets', params);
      if (r.downloadUrl) download(r.downloadUrl);
      notify(`Exported ${formatCount(r.written)} packets${r.path ? ` to ${r.path}` : ''}.`);
      close();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const count = (s: Scope): string => {
    if (s === 'all') return formatCount(status?.packets ?? 0);
    if (s === 'displayed') return formatCount(status?.displayed ?? 0);
    if (s === 'marked') return formatCount(marked.size);
    return '';
  };

  return (
    <Dialog title="Export Specified Packets" onClose={close} testId="export-dialog">
      <fieldset className="export-scope">
        <legend>Packet range</legend>
        {(['all', 'displayed', 'range', 'marked'] as const).map((s) => (
          <label key={s} className="radio">
            <input type="radio" name="scope" value={s} checked={scope === s} onChange={() => setScope(s)} data-testid={`export-scope-${s}`} />
            {s === 'all' ? 'All packets' : s === 'displayed' ? 'Displayed' : s === 'range' ? 'Range' : 'Marked packets'}
            {s !== 'range' && <span className="muted"> ({count(s)})</span>}
            {s === 'range' && (
              <span className="range-inputs">
                <input value={from} onChange={(e) => setFrom(e.target.value)} disabled={scope !== 'range'} aria-label="First packet" />
                –
                <input value={to} onChange={(e) => setTo(e.target.value)} disabled={scope !== 'range'} aria-label="Last packet" />
              </span>
            )}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Format</legend>
        <label className="radio">
          <input type="radio" name="format" checked={format === 'pcapng'} onChange={() => setFormat('pcapng')} data-testid="export-format-pcapng" />
          pcapng
        </label>
        <label className="radio">
          <input type="radio" name="format" checked={format === 'pcap'} onChange={() => setFormat('pcap')} data-testid="export-format-pcap" />
          pcap
        </label>
      </fieldset>
      {platform === 'browser' && <div className="muted small">The file is downloaded by the browser.</div>}
      {error && <div className="error-text">{error}</div>}
      <div className="dialog-buttons">
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={busy} onClick={() => void run()} data-testid="export-confirm">
          {busy ? 'Exporting…' : 'Export'}
        </button>
      </div>
    </Dialog>
  );
}
