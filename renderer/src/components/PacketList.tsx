/**
 * The packet list: ag-grid's Infinite Row Model asks for blocks of rows as they scroll into view, so a capture
 * of any size costs only the blocks in cache (maxBlocksInCache × cacheBlockSize rows), never all rows.
 */
import { useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { AgGridReact } from 'ag-grid-react';
import {
  type CellFocusedEvent,
  type ColDef,
  type GetRowIdParams,
  type GridApi,
  type GridReadyEvent,
  type IDatasource,
  type IGetRowsParams,
  type RowClassParams,
  type RowClassRules,
  type RowStyle,
} from 'ag-grid-community';
import { INFINITE_GRID } from '../grid';
import type { Row } from '../../../shared/contract';
import { client } from '../connection';
import { rowColors } from '../colors';
import { formatTime, nextTimeFormat, timeFormatLabel, type TimeFormat } from '../format';
import { errorText, useStore, type ListController } from '../store';
import { FollowContextMenu, onPacketContextMenu } from '../views/follow-menu';

// ScrollApiModule and RowApiModule are not optional here: without them ensureIndexVisible / getRowNode are
// missing from the API and, in production builds (no validation messages), row counts silently read undefined.

const BLOCK = 100;

const TIME_HEADERS: Record<TimeFormat, string> = { absolute: 'Time (absolute)', relative: 'Time', delta: 'Time (delta)' };

/**
 * The Time column's header: clicking it cycles absolute → relative → delta (the toolbar's select does the same),
 * so the format can be switched where the times are read. The store holds the format; the column follows.
 */
function TimeHeader() {
  const timeFormat = useStore((s) => s.timeFormat);
  const setTimeFormat = useStore((s) => s.setTimeFormat);
  const next = nextTimeFormat(timeFormat);
  return (
    <button
      type="button"
      className="time-header"
      data-testid="time-header"
      data-format={timeFormat}
      title={`${timeFormatLabel(timeFormat)} — click for ${timeFormatLabel(next).toLowerCase()}`}
      onClick={() => setTimeFormat(next)}
    >
      {TIME_HEADERS[timeFormat]} ⇄
    </button>
  );
}

export function PacketList() {
  const apiRef = useRef<GridApi<Row> | null>(null);
  const timeFormat = useStore((s) => s.timeFormat);
  const selected = useStore((s) => s.selected);
  const marked = useStore((s) => s.marked);
  const displayed = useStore((s) => s.status?.displayed ?? 0);
  const live = useStore((s) => s.status?.live ?? false);
  const growing = useStore((s) => (s.status?.indexing ?? false) || (s.status?.filtering ?? false));
  const autoScroll = useStore((s) => s.autoScroll);
  const prevSelected = useRef<number | null>(null);
  const shownCount = useRef(0);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const columnDefs = useMemo<ColDef<Row>[]>(
    () => [
      { colId: 'number', headerName: 'No.', field: 'number', width: 90, type: 'rightAligned' },
      {
        colId: 'time',
        headerName: TIME_HEADERS[timeFormat],
        headerComponent: TimeHeader,
        width: timeFormat === 'absolute' ? 230 : 120,
        valueGetter: (p) => (p.data ? formatTime(p.data, timeFormat) : ''),
      },
      { colId: 'src', headerName: 'Source', field: 'src', width: 170 },
      { colId: 'dst', headerName: 'Destination', field: 'dst', width: 170 },
      { colId: 'proto', headerName: 'Protocol', field: 'proto', width: 90 },
      { colId: 'len', headerName: 'Length', field: 'len', width: 80, type: 'rightAligned' },
      { colId: 'info', headerName: 'Info', field: 'info', flex: 1, minWidth: 200 },
    ],
    [timeFormat],
  );

  const defaultColDef = useMemo<ColDef<Row>>(() => ({ resizable: true, sortable: false, suppressMovable: true }), []);

  const datasource = useMemo<IDatasource>(
    () => ({
      getRows(params: IGetRowsParams) {
        const count = params.endRow - params.startRow;
        client
          .request('packets.rows', { start: params.startRow, count })
          .then((r) => {
            // The engine's own count is the last row: the grid must not invent rows past it.
            params.successCallback(r.rows, r.displayed);
          })
          .catch((err: unknown) => {
            params.failCallback();
            useStore.getState().notify(`Could not load packets: ${errorText(err)}`, 'error');
          });
      },
    }),
    [],
  );

  const getRowStyle = useCallback((p: RowClassParams<Row>): RowStyle | undefined => {
    const c = p.data ? rowColors(p.data.color) : null;
    return c ? { background: c.background, color: c.color } : undefined;
  }, []);

  const rowClassRules = useMemo<RowClassRules<Row>>(
    () => ({
      'wl-selected': (p) => p.data !== undefined && p.data.number === useStore.getState().selected,
      'wl-marked': (p) => p.data !== undefined && useStore.getState().marked.has(p.data.number),
    }),
    [],
  );

  const getRowId = useCallback((p: GetRowIdParams<Row>) => String(p.data.number), []);

  const onGridReady = useCallback((e: GridReadyEvent<Row>) => {
    const api = e.api;
    apiRef.current = api;
    const list: ListController = {
      scrollToIndex(index) {
        api.ensureIndexVisible(index, 'middle');
        api.setFocusedCell(index, 'number');
      },
      reset(count) {
        // A new file or filter: every cached block is wrong now.
        shownCount.current = count;
        api.setRowCount(count, true);
        api.purgeInfiniteCache();
        if (count > 0) api.ensureIndexVisible(0, 'top');
      },
    };
    useStore.getState().setList(list);
    // Status may have arrived before the grid existed.
    const count = useStore.getState().status?.displayed ?? 0;
    if (count > 0) list.reset(count);
  }, []);

  useEffect(() => () => useStore.getState().setList(null), []);

  // Rows arrive while the file is being indexed (and the filter applied): grow the list, and reload blocks
  // in place (at most twice a second) since the last one may have been loaded only partly filled.
  useEffect(() => {
    const api = apiRef.current;
    if (!api || displayed === shownCount.current) return;
    const grew = displayed > shownCount.current;
    const before = shownCount.current;
    shownCount.current = displayed;
    api.setRowCount(displayed, true);
    if (!grew) {
      api.purgeInfiniteCache();
      return;
    }
    if (before < BLOCK) {
      // The first block was loaded (nearly) empty, right after Open or Start: the screen is blank until it is
      // reloaded, so do it now rather than after the half-second throttle below.
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
      refreshTimer.current = null;
      api.refreshInfiniteCache();
    } else if (!refreshTimer.current) {
      refreshTimer.current = setTimeout(() => {
        refreshTimer.current = null;
        apiRef.current?.refreshInfiniteCache();
      }, 500);
    }
    if (live && autoScroll && displayed > 0) api.ensureIndexVisible(displayed - 1, 'bottom');
  }, [displayed, live, autoScroll, growing]);

  // Selection and marks are drawn by row classes; redraw only the rows whose state changed.
  useEffect(() => {
    const api = apiRef.current;
    if (!api) return;
    const nodes = [prevSelected.current, selected]
      .filter((n): n is number => n !== null)
      .map((n) => api.getRowNode(String(n)))
      .filter((n) => n !== undefined);
    prevSelected.current = selected;
    if (nodes.length) api.redrawRows({ rowNodes: nodes });
  }, [selected]);
  useEffect(() => {
    apiRef.current?.redrawRows();
  }, [marked]);

  const onCellFocused = useCallback((e: CellFocusedEvent<Row>) => {
    const api = apiRef.current;
    if (!api || e.rowIndex === null || e.rowIndex === undefined || e.rowPinned) return;
    const index = e.rowIndex;
    const data = api.getDisplayedRowAtIndex(index)?.data;
    if (data) {
      useStore.getState().selectPacket(data.number);
      return;
    }
    // Focus moved (PgDn, End) onto a row whose block is still loading: ask for that one row's number.
    client
      .request('packets.rows', { start: index, count: 1 })
      .then((r) => {
        const row = r.rows[0];
        if (row && api.getFocusedCell()?.rowIndex === index) useStore.getState().selectPacket(row.number);
      })
      .catch(() => undefined);
  }, []);

  // Home/End go to the first/last packet (the grid's own Home/End move between columns).
  const onKeyDownCapture = useCallback((e: KeyboardEvent<HTMLDivElement>) => {
    const api = apiRef.current;
    if (!api || (e.key !== 'Home' && e.key !== 'End') || e.altKey || e.shiftKey) return;
    const target = e.target as HTMLElement;
    if (target.closest('input, textarea, select')) return;
    const count = useStore.getState().status?.displayed ?? 0;
    if (count === 0) return;
    e.preventDefault();
    e.stopPropagation();
    const index = e.key === 'Home' ? 0 : count - 1;
    api.ensureIndexVisible(index, e.key === 'Home' ? 'top' : 'bottom');
    api.setFocusedCell(index, 'number');
  }, []);

  return (
    <div className="packet-list ag-theme-balham" data-testid="packet-list" onKeyDownCapture={onKeyDownCapture} onContextMenu={onPacketContextMenu}>
      <AgGridReact<Row>
        {...INFINITE_GRID}
        datasource={datasource}
        cacheBlockSize={BLOCK}
        maxBlocksInCache={30}
        maxConcurrentDatasourceRequests={2}
        infiniteInitialRowCount={0}
        columnDefs={columnDefs}
        defaultColDef={defaultColDef}
        getRowId={getRowId}
        getRowStyle={getRowStyle}
        rowClassRules={rowClassRules}
        onGridReady={onGridReady}
        onCellFocused={onCellFocused}
        suppressCellFocus={false}
        animateRows={false}
        rowBuffer={10}
        suppressScrollOnNewData
      />
      {/* Follow TCP/UDP stream and filter to it (right-click a row; Ctrl+Alt+Shift+T/U on the selected packet). */}
      <FollowContextMenu />
    </div>
  );
}
