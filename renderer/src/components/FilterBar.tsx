/**
 * Display filter bar: green/red while typing (filter.check, debounced in the store), the engine's message with
 * the error's position underlined, a history dropdown (localStorage), Apply (Enter) and Clear.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from '../store';

export function FilterBar() {
  const text = useStore((s) => s.filterText);
  const state = useStore((s) => s.filterState);
  const error = useStore((s) => s.filterError);
  const applied = useStore((s) => s.appliedFilter);
  const history = useStore((s) => s.history);
  const setText = useStore((s) => s.setFilterText);
  const apply = useStore((s) => s.applyFilter);
  const [showHistory, setShowHistory] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!showHistory) return;
    const close = (e: globalThis.MouseEvent): void => {
      if (!wrapRef.current?.contains(e.target as Node)) setShowHistory(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [showHistory]);

  // Ctrl+/ focuses the filter, as in Wireshark.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && e.key === '/') {
        e.preventDefault();
        inputRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      setShowHistory(false);
      void apply();
    } else if (e.key === 'Escape') {
      setShowHistory(false);
    } else if (e.key === 'ArrowDown' && history.length) {
      e.preventDefault();
      setShowHistory(true);
    }
  };

  const dirty = text.trim() !== applied;
  return (
    <div className="filter-bar" ref={wrapRef}>
      <label htmlFor="display-filter" className="filter-label">
        Display filter
      </label>
      <div className="filter-input-wrap">
        <input
          id="display-filter"
          ref={inputRef}
          data-testid="display-filter"
          data-state={state}
          className={`filter-input state-${state}`}
          placeholder="Apply a display filter … <Ctrl-/>"
          spellCheck={false}
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
        />
        {showHistory && history.length > 0 && (
          <ul className="filter-history" role="listbox" data-testid="filter-history">
            {history.map((h) => (
              <li
                key={h}
                role="option"
                aria-selected={h === text}
                onMouseDown={(e) => {
                  e.preventDefault();
                  setShowHistory(false);
                  setText(h);
                  void apply(h);
                }}
              >
                {h}
              </li>
            ))}
          </ul>
        )}
      </div>
      <button type="button" title="Recent filters" onClick={() => setShowHistory((v) => !v)} disabled={history.length === 0}>
        ▾
      </button>
      <button type="button" onClick={() => void apply()} className={dirty ? 'primary' : ''} data-testid="filter-apply">
        Apply
      </button>
      <button
        type="button"
        onClick={() => {
          setText('');
          void apply('');
        }}
        data-testid="filter-clear"
      >
        Clear
      </button>
      {state === 'error' && error && (
        <div className="filter-error" data-testid="filter-error" role="alert">
          <span className="filter-error-expr">
            {text.slice(0, error.start)}
            <mark>{text.slice(error.start, Math.max(error.end, error.start + 1)) || ' '}</mark>
            {text.slice(Math.max(error.end, error.start + 1))}
          </span>
          <span className="filter-error-msg">
            {error.message}
            {error.end > error.start ? ` (characters ${error.start + 1}–${error.end})` : ` (at character ${error.start + 1})`}
            {error.suggestions?.length ? ` — did you mean ${error.suggestions.join(', ')}?` : ''}
          </span>
        </div>
      )}
    </div>
  );
}
