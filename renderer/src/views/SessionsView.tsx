/**
 * The session tree: sessions grouped by host → peer → session, application → host → session, country → host →
 * session or protocol → session, with per-direction packets and bytes, session counts, times, application,
 * name, country and ASN. The tree is a flattened, virtualised list (ag-grid's infinite row model): the engine
 * builds and sorts the tree and answers only the rows in view (sessions.tree), so 300 000 sessions scroll like
 * 30. Selecting a node filters the packet list to it by writing its display filter into the bar.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { AgGridReact } from 'ag-grid-react';
import {
  type CellContextMenuEvent,
  type CellKeyDownEvent,
  type ColDef,
  type GetRowIdParams,
  type ICellRendererParams,
  type IDatasource,
  type IGetRowsParams,
  type RowClassRules,
  type RowClickedEvent,
  type RowDoubleClickedEvent,
  type ValueFormatterParams,
} from 'ag-grid-community';
import { INFINITE_GRID } from '../grid';
import { useInfiniteGrid } from '../use-infinite-grid';
import { SESSION_GROUPINGS, SESSION_SORT_COLUMNS, type SessionGrouping, type SessionSortColumn, type SessionTreeRow } from '../../../shared/views/sessions';
import { client } from '../connection';
import { formatCount } from '../format';
import { errorText, useStore } from '../store';
import { appText, asnText, countryText, seconds } from './sessions-format';
import { treeFilter, useSessions } from './sessions-store';
import { openFollow } from './follow-store';
import './sessions.css';


const BLOCK = 100;
/** While a file is indexed or a capture runs, the visible rows are re-pulled at most this often. */
const LIVE_REFRESH_MS = 1000;

const GROUP_LABELS: Record<SessionGrouping, string> = {
  host: 'Host → peer → session',
  app: 'Application → host → session',
  country: 'Country → host → session',
  protocol: 'Protocol → session',
};

const KIND_MARK: Record<SessionTreeRow['kind'], string> = {
  host: 'H',
  peer: 'P',
  app: 'A',
  country: 'C',
  protocol: 'T',
  session: 'S',
};

const isSortColumn = (c: string): c is SessionSortColumn => (SESSION_SORT_COLUMNS as readonly string[]).includes(c);

function LabelCell(p: ICellRendererParams<SessionTreeRow>) {
  const row = p.data;
  if (!row) return <span className="muted">…</span>;
  return (
    <span className="st-label" style={{ paddingLeft: row.depth * 16 }} title={row.filter}>
      {row.hasChildren ? (
        <button
          type="button"
          className="st-toggle"
          data-testid="st-toggle"
          aria-label={row.expanded ? 'Collapse' : 'Expand'}
          onClick={(e) => {
            e.stopPropagation();
            useSessions.getState().toggle(row.key);
          }}
        >
          {row.expanded ? '▾' : '▸'}
        </button>
      ) : (
        <span className="st-leaf" />
      )}
      <span className={`st-kind st-kind-${row.kind}`} title={row.kind}>
        {KIND_MARK[row.kind]}
      </span>
      <span className="st-text">{row.label}</span>
    </span>
  );
}

/** The engine's session id of a session row (its key ends with "s<id>"). */
const sessionIdOf = (row: SessionTreeRow): number => Number(/s(\d+)$/.exec(row.key)?.[1] ?? NaN);
const followable = (row: SessionTreeRow): boolean => row.kind === 'session' && (row.proto === 'TCP' || row.proto === 'UDP');

const count = (p: ValueFormatterParams<SessionTreeRow, number>): string => (typeof p.value === 'number' ? formatCount(p.value) : '');

function ContextMenu() {
  const menu = useSessions((s) => s.menu);
  const ref = useRef<HTMLUListElement | null>(null);
  useEffect(() => {
    if (!menu) return;
    const close = (e: MouseEvent | KeyboardEvent): void => {
      if (e instanceof KeyboardEvent && e.key !== 'Escape') return;
      if (e instanceof MouseEvent && ref.current?.contains(e.target as Node)) return;
      useSessions.getState().openMenu(null);
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', close);
    };
  }, [menu]);
  if (!menu) return null;
  const st = useSessions.getState();
  const act = (f: () => void) => () => {
    st.openMenu(null);
    f();
  };
  const { row } = menu;
  return (
    <ul className="st-menu" ref={ref} role="menu" data-testid="sessions-menu" style={{ left: menu.x, top: menu.y }}>
      <li className="st-menu-title">{row.label}</li>
      <li role="menuitem" data-action="filter" onClick={act(() => st.filterTo(row))}>
        Filter packet list to this
      </li>
      {followable(row) && (
        <li role="menuitem" data-action="follow" onClick={act(() => openFollow(sessionIdOf(row)))}>
          Follow {row.proto} stream
        </li>
      )}
      <li role="menuitem" data-action="pcap" onClick={act(() => void st.exportNode(row, 'pcap'))}>
        Export packets as pcap…
      </li>
      <li role="menuitem" data-action="pcapng" onClick={act(() => void st.exportNode(row, 'pcapng'))}>
        Export packets as pcapng…
      </li>
      <li className="st-menu-filter mono" title="The display filter of this node">
        {row.filter}
      </li>
    </ul>
  );
}

export function SessionsView() {
  const groupBy = useSessions((s) => s.groupBy);
  const expanded = useSessions((s) => s.expanded);
  const search = useSessions((s) => s.search);
  const limit = useSessions((s) => s.limit);
  const baseFilter = useSessions((s) => s.baseFilter);
  const selectedKey = useSessions((s) => s.selectedKey);
  const total = useSessions((s) => s.total);
  const sessions = useSessions((s) => s.sessions);
  const path = useStore((s) => s.status?.path ?? null);
  const packets = useStore((s) => s.status?.packets ?? 0);
  const sessionCount = useStore((s) => s.status?.sessions ?? 0);
  const displayed = useStore((s) => s.status?.displayed ?? 0);
  const busy = useStore((s) => (s.status?.indexing ?? false) || (s.status?.filtering ?? false));
  const [searchText, setSearchText] = useState(search);
  // A different tree (grouping, search, filter): start from the top.
  const grid = useInfiniteGrid<SessionTreeRow>({ resetOn: [groupBy, search, limit, baseFilter, path] });
  const { apiRef, onGridReady, scheduleRefresh } = grid;
  /** How long the last window took: live refreshes back off when the engine is busy building big trees. */
  const latency = useRef(0);

  const columnDefs = useMemo<ColDef<SessionTreeRow>[]>(
    () => [
      { colId: 'label', headerName: 'Node', field: 'label', width: 330, cellRenderer: LabelCell, pinned: 'left' },
      { colId: 'proto', headerName: 'Proto', field: 'proto', width: 76 },
      { colId: 'app', headerName: 'Application', width: 120, valueGetter: (p) => (p.data ? appText(p.data) : '') },
      { colId: 'country', headerName: 'Country', width: 84, valueGetter: (p) => (p.data ? countryText(p.data.country) : '') },
      { colId: 'sessions', headerName: 'Sessions', field: 'sessions', width: 90, type: 'rightAligned', valueFormatter: count },
      { colId: 'packets', headerName: 'Packets', field: 'packets', width: 80, type: 'rightAligned', valueFormatter: count },
      { colId: 'bytes', headerName: 'Bytes', field: 'bytes', width: 100, type: 'rightAligned', valueFormatter: count, sort: 'desc' },
      { colId: 'pktsOut', headerName: 'Pkts →', field: 'pktsOut', width: 74, type: 'rightAligned', valueFormatter: count },
      { colId: 'bytesOut', headerName: 'Bytes →', field: 'bytesOut', width: 94, type: 'rightAligned', valueFormatter: count },
      { colId: 'pktsIn', headerName: 'Pkts ←', field: 'pktsIn', width: 74, type: 'rightAligned', valueFormatter: count },
      { colId: 'bytesIn', headerName: 'Bytes ←', field: 'bytesIn', width: 94, type: 'rightAligned', valueFormatter: count },
      { colId: 'start', headerName: 'Start', field: 'start', width: 94, type: 'rightAligned', valueFormatter: (p) => seconds(p.value ?? NaN) },
      { colId: 'duration', headerName: 'Duration', field: 'duration', width: 84, type: 'rightAligned', valueFormatter: (p) => seconds(p.value ?? NaN, 4) },
      { colId: 'end', headerName: 'Last', field: 'end', width: 94, type: 'rightAligned', valueFormatter: (p) => seconds(p.value ?? NaN) },
      { colId: 'name', headerName: 'SNI / host name', field: 'name', width: 190 },
      { colId: 'asn', headerName: 'ASN', width: 200, valueGetter: (p) => (p.data ? asnText(p.data) : '') },
      { colId: 'category', headerName: 'Category', field: 'category', width: 130 },
    ],
    [],
  );
  const defaultColDef = useMemo<ColDef<SessionTreeRow>>(
    () => ({ resizable: true, sortable: true, suppressMovable: true, sortingOrder: ['desc', 'asc'] }),
    [],
  );

  const datasource = useMemo<IDatasource>(
    () => ({
      getRows(params: IGetRowsParams) {
        const st = useSessions.getState();
        const m = params.sortModel[0];
        const sort = m && isSortColumn(m.colId) ? { column: m.colId, desc: m.sort === 'desc' } : { column: 'bytes' as const, desc: true };
        const asked = performance.now();
        client
          .request('sessions.tree', {
            groupBy: st.groupBy,
            filter: treeFilter(st),
            search: st.search,
            expanded: [...st.expanded],
            sort,
            start: params.startRow,
            count: params.endRow - params.startRow,
          })
          .then((r) => {
            latency.current = performance.now() - asked;
            params.successCallback(r.rows, r.total);
            useSessions.getState().setCounts(r.total, r.sessions);
            // The filter the tree is limited to is still being applied: ask again shortly.
            if (!r.complete) scheduleRefresh(300);
          })
          .catch((err: unknown) => {
            params.failCallback();
            if (useStore.getState().status?.path) useStore.getState().notify(`Session tree: ${errorText(err)}`, 'error');
          });
      },
    }),
    [],
  );

  // Opening or closing a node: the rows in view are re-pulled in place (no jump, no blank flash).
  useEffect(() => {
    apiRef.current?.refreshInfiniteCache();
  }, [expanded]);

  // Packets, sessions or displayed packets grew (indexing, a live capture, a filter being applied): re-pull
  // the visible rows, throttled — the grid's cache holds only the blocks around the view.
  useEffect(() => {
    grid.refreshWithin(Math.max(LIVE_REFRESH_MS, 4 * latency.current));
  }, [packets, sessionCount, displayed]);

  // Indexing or filtering just finished: the final numbers now, not after the throttle.
  useEffect(() => {
    if (busy) return;
    grid.cancelRefresh();
    scheduleRefresh(0);
  }, [busy]);

  // Search: debounced, so a query per keystroke does not queue tree builds in the engine.
  useEffect(() => {
    const t = setTimeout(() => useSessions.getState().setSearch(searchText.trim()), 250);
    return () => clearTimeout(t);
  }, [searchText]);

  useEffect(() => {
    apiRef.current?.redrawRows();
  }, [selectedKey]);

  const rowClassRules = useMemo<RowClassRules<SessionTreeRow>>(
    () => ({
      'wl-selected': (p) => p.data !== undefined && p.data.key === useSessions.getState().selectedKey,
      'st-group': (p) => p.data !== undefined && p.data.hasChildren,
    }),
    [],
  );
  const getRowId = useCallback((p: GetRowIdParams<SessionTreeRow>) => p.data.key, []);
  const onRowClicked = useCallback((e: RowClickedEvent<SessionTreeRow>) => {
    // The open/close toggle only opens or closes (the grid sees the click before React's handler can stop it).
    const target = e.event?.target;
    if (target instanceof Element && target.closest('.st-toggle')) return;
    if (e.data) useSessions.getState().select(e.data);
  }, []);
  const onRowDoubleClicked = useCallback((e: RowDoubleClickedEvent<SessionTreeRow>) => {
    if (e.data?.hasChildren) useSessions.getState().toggle(e.data.key);
  }, []);
  const onCellContextMenu = useCallback((e: CellContextMenuEvent<SessionTreeRow>) => {
    const ev = e.event as MouseEvent | null;
    if (!e.data || !ev) return;
    useSessions.getState().openMenu({ x: ev.clientX, y: ev.clientY, row: e.data });
  }, []);
  // Keyboard: → opens, ← closes, Enter selects (filters), like a tree.
  const onCellKeyDown = useCallback((e: CellKeyDownEvent<SessionTreeRow>) => {
    const ev = e.event as KeyboardEvent | null;
    const row = e.data;
    if (!ev || !row) return;
    const st = useSessions.getState();
    if (ev.key === 'ArrowRight' && row.hasChildren && !row.expanded) st.toggle(row.key, true);
    else if (ev.key === 'ArrowLeft' && row.expanded) st.toggle(row.key, false);
    else if (ev.key === 'Enter') st.select(row);
  }, []);
  const stopTyping = (e: ReactKeyboardEvent): void => e.stopPropagation();

  return (
    <div className="view upper sessions-view" data-view="SessionsView" data-testid="sessions-view">
      <div className="st-toolbar">
        <label>
          Group by{' '}
          <select data-testid="st-groupby" value={groupBy} onChange={(e) => useSessions.getState().setGroupBy(e.target.value as SessionGrouping)}>
            {SESSION_GROUPINGS.map((g) => (
              <option key={g} value={g}>
                {GROUP_LABELS[g]}
              </option>
            ))}
          </select>
        </label>
        <input
          className="st-search"
          data-testid="st-search"
          type="search"
          placeholder="Search address, port, app, name, country, AS…"
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          onKeyDown={stopTyping}
        />
        <label className="checkbox" title="Only sessions with packets the display filter shows, counting those packets">
          <input type="checkbox" data-testid="st-limit" checked={limit} onChange={(e) => useSessions.getState().setLimit(e.target.checked)} />
          Limit to display filter{limit && baseFilter ? <span className="mono st-base"> {baseFilter}</span> : null}
        </label>
        <span className="st-counts muted" data-testid="st-counts">
          {formatCount(sessions)} sessions · {formatCount(total)} rows
        </span>
        <span className="st-legend muted small" title="Direction of the → and ← columns">
          → host rows: sent by the host; session, application, protocol rows: initiator → responder
        </span>
      </div>
      <div className="st-grid ag-theme-balham" data-testid="sessions-grid">
        {path === null ? (
          <div className="st-empty muted">Open a capture to see its sessions.</div>
        ) : (
          <AgGridReact<SessionTreeRow>
            {...INFINITE_GRID}
            datasource={datasource}
            cacheBlockSize={BLOCK}
            maxBlocksInCache={20}
            maxConcurrentDatasourceRequests={2}
            infiniteInitialRowCount={1}
            columnDefs={columnDefs}
            defaultColDef={defaultColDef}
            getRowId={getRowId}
            rowClassRules={rowClassRules}
            onGridReady={onGridReady}
            onRowClicked={onRowClicked}
            onRowDoubleClicked={onRowDoubleClicked}
            onCellContextMenu={onCellContextMenu}
            onCellKeyDown={onCellKeyDown}
            preventDefaultOnContextMenu
            animateRows={false}
            rowBuffer={10}
            suppressScrollOnNewData
            suppressColumnVirtualisation
          />
        )}
      </div>
      <ContextMenu />
    </div>
  );
}
