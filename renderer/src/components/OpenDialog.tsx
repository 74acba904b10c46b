/** The browser's Open dialog: browses the server's --root through files.list (the page cannot read local paths). */
import { useCallback, useEffect, useState } from 'react';
import type { Results } from '../../../shared/contract';
import { client } from '../connection';
import { formatBytes } from '../format';
import { errorText, useStore } from '../store';
import { Dialog } from './Dialog';

const LAST_DIR_KEY = 'wirelens.openDir';

export function OpenDialog() {
  const setDialog = useStore((s) => s.setDialog);
  const openFile = useStore((s) => s.openFile);
  const [listing, setListing] = useState<Results['files.list'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const close = useCallback(() => setDialog(null), [setDialog]);

  const load = useCallback((dir?: string) => {
    setError(null);
    client
      .request('files.list', dir === undefined ? {} : { dir })
      .then((r) => {
        setListing(r);
        setChosen(null);
        try {
          localStorage.setItem(LAST_DIR_KEY, r.dir);
        } catch {
          // not remembered
        }
      })
      .catch((err: unknown) => {
        // A remembered directory may be gone (or outside a new --root): fall back to the root.
        if (dir !== undefined) load();
        else setError(errorText(err));
      });
  }, []);

  useEffect(() => {
    load(localStorage.getItem(LAST_DIR_KEY) ?? undefined);
  }, [load]);

  return (
    <Dialog title="Open capture file" onClose={close} testId="open-dialog">
      <div className="open-path" data-testid="open-dir">
        {listing?.parent !== null && listing?.parent !== undefined && (
          <button type="button" onClick={() => load(listing.parent ?? undefined)}>
            ↑ Up
          </button>
        )}
        <span className="mono">{listing?.dir ?? '…'}</span>
      </div>
      {error && <div className="error-text">{error}</div>}
      <div className="file-list" role="listbox" data-testid="file-list">
        {listing?.entries.map((e) => (
          <div
            key={e.path}
            role="option"
            aria-selected={chosen === e.path}
            className={`file-entry${e.dir ? ' dir' : ''}${chosen === e.path ? ' chosen' : ''}`}
            data-name={e.name}
            onClick={() => (e.dir ? load(e.path) : setChosen(e.path))}
            onDoubleClick={() => !e.dir && void openFile(e.path)}
          >
            <span className="file-icon">{e.dir ? '📁' : '📄'}</span>
            <span className="file-name">{e.name}</span>
            <span className="file-size">{e.dir ? '' : formatBytes(e.size)}</span>
          </div>
        ))}
        {listing && listing.entries.length === 0 && <div className="muted">Empty directory.</div>}
      </div>
      <div className="dialog-buttons">
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={!chosen} onClick={() => chosen && void openFile(chosen)} data-testid="open-confirm">
          Open
        </button>
      </div>
    </Dialog>
  );
}
