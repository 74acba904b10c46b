/**
 * Split into sessions: one pcap/pcapng file per session (named by protocol and endpoints), or one JSON
 * document listing every session. Options: only TCP sessions whose handshake was captured, only sessions
 * the current display filter shows. In Electron main asks for the folder (or the JSON file); in the browser
 * the result is downloaded (a tar archive of the files, or the JSON), or written into a folder on the server
 * when serve runs with --root. The dialog stays open to show what was written and skipped.
 */
import { useCallback, useRef, useState } from 'react';
import type { Params, Results } from '../../../shared/contract';
import { Dialog } from '../components/Dialog';
import { client, platform } from '../connection';
import { download } from '../download';
import { formatCount } from '../format';
import { errorText, useStore } from '../store';
import './split.css';

type Format = Params<'data.split'>['format'];
type Summary = Results['data.split'];

export function SplitDialog() {
  const setDialog = useStore((s) => s.setDialog);
  const notify = useStore((s) => s.notify);
  const status = useStore((s) => s.status);
  const filter = status?.filter ?? '';
  const [format, setFormat] = useState<Format>('pcapng');
  const [handshake, setHandshake] = useState(false);
  const [displayed, setDisplayed] = useState(filter !== '');
  const [payloads, setPayloads] = useState(false);
  const [unassigned, setUnassigned] = useState(true);
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Summary | null>(null);
  const abort = useRef<AbortController | null>(null);
  const close = useCallback(() => {
    abort.current?.abort();
    setDialog(null);
  }, [setDialog]);

  const run = async (): Promise<void> => {
    const params: Params<'data.split'> = { format, tcpFromHandshake: handshake, displayed: displayed && filter !== '' };
    if (format === 'json') params.payloads = payloads;
    else params.unassigned = unassigned;
    if (platform === 'browser' && folder.trim() !== '') params.path = folder.trim();
    const ac = new AbortController();
    abort.current = ac;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await client.request('data.split', params, { signal: ac.signal });
      if (r.downloadUrl) download(r.downloadUrl);
      setResult(r);
      notify(`Split: ${formatCount(r.written)} sessions written, ${formatCount(r.skipped)} skipped.`);
    } catch (err) {
      if (!ac.signal.aborted) setError(errorText(err));
    } finally {
      abort.current = null;
      setBusy(false);
    }
  };

  return (
    <Dialog title="Split into sessions" onClose={close} testId="split-dialog">
      <fieldset>
        <legend>Write</legend>
        <label className="radio">
          <input type="radio" name="split-format" checked={format === 'pcapng'} onChange={() => setFormat('pcapng')} data-testid="split-format-pcapng" />
          one pcapng file per session
        </label>
        <label className="radio">
          <input type="radio" name="split-format" checked={format === 'pcap'} onChange={() => setFormat('pcap')} data-testid="split-format-pcap" />
          one pcap file per session
        </label>
        <label className="radio">
          <input type="radio" name="split-format" checked={format === 'json'} onChange={() => setFormat('json')} data-testid="split-format-json" />
          one JSON document: 5-tuple, app, SNI, timestamps and signed lengths of every session
        </label>
      </fieldset>
      <fieldset>
        <legend>Sessions</legend>
        <label className="checkbox">
          <input type="checkbox" checked={handshake} onChange={(e) => setHandshake(e.target.checked)} data-testid="split-handshake" />
          only TCP sessions whose handshake was captured (UDP and others are kept)
        </label>
        <label className="checkbox" title={filter === '' ? 'Apply a display filter first' : undefined}>
          <input
            type="checkbox"
            checked={displayed && filter !== ''}
            disabled={filter === ''}
            onChange={(e) => setDisplayed(e.target.checked)}
            data-testid="split-displayed"
          />
          only sessions with a packet shown by the display filter
          {filter !== '' && <code className="split-filter">{filter}</code>}
        </label>
        {format === 'json' ? (
          <label className="checkbox">
            <input type="checkbox" checked={payloads} onChange={(e) => setPayloads(e.target.checked)} data-testid="split-payloads" />
            include every packet's payload (base64)
          </label>
        ) : (
          <label className="checkbox">
            <input type="checkbox" checked={unassigned} onChange={(e) => setUnassigned(e.target.checked)} data-testid="split-unassigned" />
            packets of no session (ARP, non-IP…) into unassigned.{format}
          </label>
        )}
      </fieldset>
      {platform === 'browser' && (
        <label className="split-folder">
          <span>
            Folder on the server (only with <code>serve --root</code>; empty: download {format === 'json' ? 'the document' : 'a .tar of the files'})
          </span>
          <input value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="e.g. splits" data-testid="split-folder" />
        </label>
      )}
      {platform === 'electron' && (
        <div className="muted small">{format === 'json' ? 'You choose the file next.' : 'You choose a folder next; a new folder named after the capture is made in it.'}</div>
      )}
      {status?.indexing && <div className="muted small">The capture is still being read: the split covers the packets read so far.</div>}
      {error && <div className="error-text" data-testid="split-error">{error}</div>}
      {result && <SplitReport r={result} />}
      <div className="dialog-buttons">
        {busy ? (
          <button type="button" onClick={() => abort.current?.abort()} data-testid="split-cancel">
            Cancel
          </button>
        ) : (
          <button type="button" onClick={close}>
            {result ? 'Close' : 'Cancel'}
          </button>
        )}
        <button type="button" className="primary" disabled={busy || !status?.path} onClick={() => void run()} data-testid="split-confirm">
          {busy ? 'Splitting…' : 'Split'}
        </button>
      </div>
    </Dialog>
  );
}

function SplitReport({ r }: { r: Summary }) {
  const why: string[] = [];
  if (r.skippedNoHandshake > 0) why.push(`${formatCount(r.skippedNoHandshake)} TCP without a captured handshake`);
  if (r.skippedByFilter > 0) why.push(`${formatCount(r.skippedByFilter)} without a displayed packet`);
  if (r.skippedLinkTypes > 0) why.push(`${formatCount(r.skippedLinkTypes)} mixing link types (pcap holds one: use pcapng)`);
  return (
    <div className="split-report" data-testid="split-report">
      <div>
        Wrote <b data-testid="split-written">{formatCount(r.written)}</b> sessions ({formatCount(r.packets)} packets)
        {r.path ? (
          <>
            {' '}
            to <code>{r.path}</code>
          </>
        ) : r.downloadUrl ? (
          ' (downloaded by the browser)'
        ) : null}
        .
      </div>
      <div>
        Skipped <b data-testid="split-skipped">{formatCount(r.skipped)}</b> sessions{why.length > 0 ? `: ${why.join(', ')}` : ''}.
      </div>
      {r.format !== 'json' && r.unassignedPackets > 0 && (
        <div>
          {formatCount(r.unassignedPackets)} packets of no session {r.unassignedFile ? <>in <code>{r.unassignedFile}</code></> : 'not written'}.
        </div>
      )}
    </div>
  );
}
