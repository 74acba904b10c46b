/**
 * Protocol logs view: one tab per log (DNS, HTTP, TLS, SIP, applications), each a virtualised table paged from
 * the engine (logs.rows), with quick search, a display filter, sorting by column, CSV / JSON lines export, and
 * links back to the packets: clicking a record shows its first packet below, its filters (transaction, server
 * name, frames, session…) write a display filter into the bar. While a capture grows the shown rows are
 * re-pulled every few seconds (the engine rebuilds the log no more often than that).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { AgGridReact } from 'ag-grid-react';
import {
  type ColDef,
  type IDatasource,
  type IGetRowsParams,
  type IHeaderParams,
  type RowClickedEvent,
  type RowDoubleClickedEvent,
  type RowClassParams,
} from 'ag-grid-community';
import { INFINITE_GRID } from '../grid';
import { useInfiniteGrid } from '../use-infinite-grid';
import type { LogRow, LogRowsResult } from '../../../shared/views/logs';
import { client, platform } from '../connection';
import { download } from '../download';
import { formatCount } from '../format';
import { errorText, useStore } from '../store';
import { LOG_TABS, logQuery, useLogs, type LogMeta } from './logs-store';
import { cellText, columnWidth } from './logs-cells';
import './logs.css';


const BLOCK = 100;
/** Re-pull what is shown at most this often while the capture grows. */
const LIVE_REFRESH_MS = 2000;
const SEARCH_DEBOUNCE_MS = 250;

function metaOf(r: LogRowsResult): LogMeta {
  const { rows: _rows, start: _start, ...meta } = r;
  void _rows;
  void _start;
  return meta;
}

/** Column header: the Zeek column name; clicking sorts ascending, descending, then back to capture order. */
function SortHeader(p: IHeaderParams) {
  const column = p.column.getColId();
  const sort = useLogs((s) => s.sort);
  const cycle = useLogs((s) => s.cycleSort);
  const mark = sort?.column === column ? (sort.desc ? ' ▼' : ' ▲') : '';
  return (
    <button type="button" className="log-header" data-column={column} title={`Sort by ${column}`} onClick={() => cycle(column)}>
      {column}
      {mark}
    </button>
  );
}

/** Shows packet `n` below (and in the packet list, when the current filter displays it). */
async function showPacket(n: number, switchView: boolean): Promise<void> {
  const st = useStore.getState();
  st.selectPacket(n);
  try {
    const { index } = await client.request('packets.indexOf', { number: n });
    if (index >= 0) st.list?.scrollToIndex(index);
    else if (switchView) st.notify(`Packet ${n} is hidden by the display filter.`, 'info');
  } catch {
    // The detail below still shows it.
  }
  if (switchView) st.setView('packets');
}

export function LogsView() {
  const kind = useLogs((s) => s.kind);
  const search = useLogs((s) => s.search);
  const filter = useLogs((s) => s.filter);
  const filterText = useLogs((s) => s.filterText);
  const sort = useLogs((s) => s.sort);
  const meta = useLogs((s) => s.meta);
  const loading = useLogs((s) => s.loading);
  const error = useLogs((s) => s.error);
  const selected = useLogs((s) => s.selected);
  const packets = useStore((s) => s.status?.packets ?? 0);
  const path = useStore((s) => s.status?.path ?? null);
  const growing = useStore((s) => (s.status?.indexing ?? false) || (s.status?.live ?? false));
  const [searchDraft, setSearchDraft] = useState(search);

  // The log's columns and counts come first (the first request builds the log); the grid mounts with them.
  const loadMeta = useCallback(() => {
    const st = useLogs.getState();
    if (!useStore.getState().status?.path) return;
    const wanted = st.kind;
    st.setLoading(true);
    client
      .request('logs.rows', { ...logQuery(st), start: 0, count: 0 })
      .then((r) => {
        if (useLogs.getState().kind !== wanted) return;
        useLogs.getState().setMeta(metaOf(r));
        useLogs.getState().setLoading(false);
      })
      .catch((err: unknown) => {
        if (useLogs.getState().kind === wanted) useLogs.getState().setLoading(false, errorText(err));
      });
  }, []);

  useEffect(() => {
    loadMeta();
  }, [kind, path, loadMeta]);
  // Another file: the selected record belonged to the old one.
  useEffect(() => {
    useLogs.getState().select(null);
  }, [path]);

  const grid = useInfiniteGrid<LogRow>({
    // A new query: the cached blocks are wrong, and so is the row count (reopened, so the first block is asked
    // for even when the last answer had no rows). No grid yet (no columns): the query starts with the columns.
    resetOn: [search, filter, sort, loadMeta],
    reset: (api) => {
      if (api) {
        api.setRowCount(1, false);
        api.purgeInfiniteCache();
      } else loadMeta();
    },
    // No grid yet: the columns and counts are what there is to re-pull (the grid mounts with them).
    refresh: (api) => (api ? api.refreshInfiniteCache() : loadMeta()),
    // Wall-clock: the first re-pull of a view opened right after the page loaded is not held back.
    clock: Date.now,
  });
  const { apiRef, onGridReady } = grid;

  useEffect(() => {
    const t = setTimeout(() => useLogs.getState().setSearch(searchDraft), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [searchDraft]);

  // Live: re-pull the visible rows when packets arrive, at most every LIVE_REFRESH_MS; once more at the end.
  useEffect(() => {
    if (!growing && !meta?.stale) return;
    grid.refreshWithin(LIVE_REFRESH_MS);
  }, [packets, growing, meta?.stale, loadMeta]);

  const columns = meta?.kind === kind ? meta.columns : [];
  const columnDefs = useMemo<ColDef<LogRow>[]>(
    () =>
      columns.map((c, i) => ({
        colId: c,
        headerName: c,
        headerComponent: SortHeader,
        width: columnWidth(c),
        valueGetter: (p) => (p.data ? cellText(c, p.data.cells[i]) : ''),
        tooltipValueGetter: undefined,
      })),
    [columns],
  );
  const defaultColDef = useMemo<ColDef<LogRow>>(() => ({ resizable: true, sortable: false, suppressMovable: true }), []);

  const datasource = useMemo<IDatasource>(
    () => ({
      getRows(params: IGetRowsParams) {
        const st = useLogs.getState();
        const wanted = st.kind;
        client
          .request('logs.rows', { ...logQuery(st), start: params.startRow, count: params.endRow - params.startRow })
          .then((r) => {
            if (useLogs.getState().kind !== wanted) return params.failCallback();
            useLogs.getState().setMeta(metaOf(r));
            params.successCallback(r.rows, r.total);
          })
          .catch((err: unknown) => {
            params.failCallback();
            useLogs.getState().setLoading(false, errorText(err));
          });
      },
    }),
    // One datasource per log and file: a new tab or file starts a new grid.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [kind, path],
  );

  // A new tab or file unmounts the grid (keyed): its API must not be reset or re-pulled any more.
  useEffect(() => () => void (apiRef.current = null), [kind, path]);

  const onRowClicked = useCallback((e: RowClickedEvent<LogRow>) => {
    const row = e.data;
    if (!row) return;
    useLogs.getState().select(row);
    const first = row.frames[0];
    if (first !== undefined) void showPacket(first, false);
    e.api.redrawRows();
  }, []);
  const onRowDoubleClicked = useCallback((e: RowDoubleClickedEvent<LogRow>) => {
    const first = e.data?.frames[0];
    if (first !== undefined) void showPacket(first, true);
  }, []);
  const rowClassRules = useMemo(
    () => ({ 'wl-selected': (p: RowClassParams<LogRow>) => p.data !== undefined && p.data.record === useLogs.getState().selected?.record }),
    [],
  );

  const exportAs = async (format: 'csv' | 'jsonl'): Promise<void> => {
    const st = useLogs.getState();
    try {
      const r = await client.request('logs.export', { ...logQuery(st), format });
      if (r.downloadUrl) download(r.downloadUrl);
      useStore.getState().notify(`Exported ${formatCount(r.written)} ${st.kind.toUpperCase()} records${r.path ? ` to ${r.path}` : platform === 'browser' ? ' (downloaded by the browser)' : ''}.`);
    } catch (err) {
      useStore.getState().notify(`Export: ${errorText(err)}`, 'error');
    }
  };

  const filterState = filterText.trim() === '' ? '' : meta?.filterError && filter === filterText.trim() ? 'state-error' : filter === filterText.trim() ? 'state-ok' : '';

  return (
    <div className="view upper logs-view" data-view="LogsView" data-testid="logs-view">
      <div className="logs-tabs" role="tablist" aria-label="Logs">
        {LOG_TABS.map((t) => (
          <button
            key={t.kind}
            role="tab"
            aria-selected={kind === t.kind}
            className={kind === t.kind ? 'log-tab active' : 'log-tab'}
            data-testid={`log-tab-${t.kind}`}
            onClick={() => useLogs.getState().setKind(t.kind)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="logs-toolbar">
        <input
          className="log-search"
          data-testid="log-search"
          placeholder="Search records…"
          value={searchDraft}
          onChange={(e) => setSearchDraft(e.target.value)}
          aria-label="Search records"
        />
        <input
          className={`log-filter mono ${filterState}`}
          data-testid="log-filter"
          placeholder="Display filter (Enter): records with a matching packet"
          value={filterText}
          onChange={(e) => useLogs.getState().setFilterText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') useLogs.getState().applyFilter();
          }}
          aria-label="Display filter for records"
        />
        <button type="button" onClick={() => useLogs.getState().applyFilter()}>
          Apply
        </button>
        <span className="log-count" data-testid="log-count">
          {meta && meta.kind === kind && !meta.unavailable
            ? `${formatCount(meta.total)}${meta.total !== meta.records ? ` of ${formatCount(meta.records)}` : ''} records · ${formatCount(meta.packets)} packets${meta.stale ? ' · updating…' : ''}`
            : ''}
        </span>
        {loading && <span className="muted small" data-testid="log-building">Building {kind.toUpperCase()} log…</span>}
        <span className="logs-spacer" />
        <button type="button" data-testid="log-export-csv" disabled={!meta || !!meta.unavailable} onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
        <button type="button" data-testid="log-export-jsonl" disabled={!meta || !!meta.unavailable} onClick={() => void exportAs('jsonl')}>
          Export JSON lines
        </button>
      </div>
      {meta?.filterError && filter !== '' && (
        <div className="log-problem error-text small" data-testid="log-filter-error">
          Filter: {meta.filterError.message} (records are not filtered)
        </div>
      )}
      {error && <div className="log-problem error-text small">{error}</div>}
      {meta?.unavailable && meta.kind === kind && (
        <div className="log-problem muted" data-testid="log-unavailable">
          {meta.unavailable}
        </div>
      )}
      {selected && (
        <div className="log-selection small" data-testid="log-selection">
          <span>
            {selected.frameCount === 1 ? 'Packet' : 'Packets'}{' '}
            {selected.frames.slice(0, 12).map((f) => (
              <button key={f} type="button" className="link-button" onClick={() => void showPacket(f, false)} title="Show this packet below">
                {f}
              </button>
            ))}
            {selected.frameCount > 12 ? ` … (${formatCount(selected.frameCount)})` : ''}
          </span>
          <span className="log-filters">
            Filter packets:
            {selected.filters.map((f) => (
              <button key={f.expr} type="button" data-testid="log-row-filter" data-label={f.label} title={f.expr} onClick={() => void useStore.getState().filterTo(f.expr, true)}>
                {f.label}
              </button>
            ))}
          </span>
        </div>
      )}
      {!path ? (
        <div className="log-problem muted">Open a capture to see its protocol logs.</div>
      ) : columns.length > 0 ? (
        <div className="log-grid ag-theme-balham" data-testid="log-grid" data-kind={kind}>
          <AgGridReact<LogRow>
            {...INFINITE_GRID}
            key={`${kind}|${path}`}
            datasource={datasource}
            cacheBlockSize={BLOCK}
            maxBlocksInCache={20}
            maxConcurrentDatasourceRequests={1}
            infiniteInitialRowCount={1}
            columnDefs={columnDefs}
            defaultColDef={defaultColDef}
            onGridReady={onGridReady}
            onRowClicked={onRowClicked}
            onRowDoubleClicked={onRowDoubleClicked}
            rowClassRules={rowClassRules}
            suppressCellFocus
            // At most ~25 columns: render them all (tests and find-in-page see every cell).
            suppressColumnVirtualisation
            animateRows={false}
          />
        </div>
      ) : null}
    </div>
  );
}
