/** One-line notices (errors, "exported N packets") and the crash-recovery offer for unsaved capture spools. */
import { useEffect } from 'react';
import { formatBytes } from '../format';
import { useStore } from '../store';

export function MessageBar() {
  const message = useStore((s) => s.message);
  const recovery = useStore((s) => s.recovery);
  const openFile = useStore((s) => s.openFile);
  const discardSpools = useStore((s) => s.discardSpools);

  useEffect(() => {
    if (!message || message.kind === 'error') return;
    const t = setTimeout(() => useStore.setState({ message: null }), 5000);
    return () => clearTimeout(t);
  }, [message]);

  return (
    <>
      {message && (
        <div className={`message-bar ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="message-bar">
          <span>{message.text}</span>
          <button type="button" className="close" onClick={() => useStore.setState({ message: null })} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      {recovery.length > 0 && (
        <div className="message-bar info recovery" data-testid="recovery-bar">
          <span>Unsaved live captures from an earlier run were found:</span>
          {recovery.map((r) => (
            <span key={r.path} className="recovery-spool" data-testid="recovery-spool" data-path={r.path}>
              <button type="button" onClick={() => void openFile(r.path)}>
                Open {r.path.split(/[\\/]/).pop()} ({formatBytes(r.size)}, {new Date(r.modified).toLocaleString()})
              </button>
              <button type="button" className="danger" onClick={() => void discardSpools([r.path])} title="Delete this unsaved capture" data-testid="recovery-discard">
                Discard
              </button>
            </span>
          ))}
          {recovery.length > 1 && (
            <button type="button" className="danger" onClick={() => void discardSpools(recovery.map((r) => r.path))} data-testid="recovery-discard-all">
              Discard all
            </button>
          )}
          {/* Dismiss only hides the banner: the spools stay and are offered again at the next start. */}
          <button type="button" className="close" onClick={() => useStore.setState({ recovery: [] })} aria-label="Dismiss" title="Hide (offered again next time)">
            ×
          </button>
        </div>
      )}
    </>
  );
}
