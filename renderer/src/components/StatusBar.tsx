/** Status bar: file, packet counts (displayed / total), indexing progress with Cancel, connection state. */
import { basename, formatBytes, formatCount } from '../format';
import { useStore } from '../store';

export function StatusBar() {
  const status = useStore((s) => s.status);
  const connection = useStore((s) => s.connection);
  const closeFile = useStore((s) => s.closeFile);
  const selected = useStore((s) => s.selected);
  const marked = useStore((s) => s.marked.size);

  // A live capture is "indexing" for as long as it runs: that is not progress towards an end.
  const indexing = status?.indexing && !status.live;
  const fraction = status && status.fileSize > 0 ? Math.min(1, status.bytesRead / status.fileSize) : 0;
  return (
    <div className="status-bar" data-testid="status-bar">
      <span className={`conn conn-${connection}`} title={`Engine connection: ${connection}`}>
        ●
      </span>
      <span className="status-file" title={status?.path ?? undefined}>
        {status?.path ? `${basename(status.path)} (${formatBytes(status.fileSize)})` : 'No capture open'}
      </span>
      {status?.error && <span className="error-text">{status.error}</span>}
      {indexing && (
        <span className="progress" data-testid="indexing-progress">
          <progress max={1} value={fraction} />
          <span>{Math.floor(fraction * 100)}%</span>
          {/* Stopping means closing: a half-indexed capture has no consistent packet count to show. */}
          <button type="button" onClick={() => void closeFile()} className="small-button">
            Cancel
          </button>
        </span>
      )}
      {status?.filtering && <span className="muted">Filtering…</span>}
      {status?.live && (
        <span className="live-badge" data-testid="live-badge">
          LIVE
        </span>
      )}
      <span className="status-spacer" />
      {selected !== null && <span>Selected: {formatCount(selected)}</span>}
      {marked > 0 && <span>Marked: {formatCount(marked)}</span>}
      {status && (
        <span data-testid="status-counts">
          Packets: <b data-testid="status-total">{formatCount(status.packets)}</b> · Displayed:{' '}
          <b data-testid="status-displayed">{formatCount(status.displayed)}</b>
          {status.packets > 0 && status.displayed !== status.packets ? ` (${((100 * status.displayed) / status.packets).toFixed(1)}%)` : ''}
        </span>
      )}
    </div>
  );
}
