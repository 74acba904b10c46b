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
  type GridReadyEvent,
  type IDatasource,
  type IGetRowsParams,
  type RowClassParams,
  type RowClassRules,
  type RowStyle,
} from 'ag-grid-community';
import { INFINITE_GRID } from '../grid';
import { useInfiniteGrid } from '../use-infinite-grid';
import { ROW_HEIGHT } from '../layout';
import type { Results, Row } from '../../../shared/contract';
import { client } from '../connection';
import { rowColors } from '../colors';
import { formatTime, nextTimeFormat, timeFormatLabel, type TimeFormat } from '../format';
import { errorText, useStore, type ListController } from '../store';
import { FollowContextMenu, onPacketContextMenu } from '../views/follow-menu';

// ScrollApiModule and RowApiModule are not optional here: without them ensureIndexVisible / getRowNode are
// missing from the API and, in production builds (no validation messages), row counts silently read undefined.

const BLOCK = 50;
/** ag-grid's rowBuffer: rows rendered (and so fetched) beyond each edge of the viewport. */
const ROW_BUFFER = 10;
/** Prefetched blocks kept waiting for the grid to ask for them (a jump needs at most two). */
const MAX_PREFETCHED = 6;
/** Longest a jump waits for its rows before scrolling anyway (to placeholder rows, filled when they come). */
const MAX_JUMP_WAIT_MS = 300;
/**
 * Blocks a jump loads before scrolling. The grid drops all but one not-yet-loaded block that is off screen when it
 * creates another, so only two can be made to load ahead; blocks beyond (a very tall list) load after the scroll.
 */
const MAX_JUMP_PRELOAD = 2;

type RowsResult = Results['packets.rows'];

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
  const timeFormat = useStore((s) => s.timeFormat);
  const selected = useStore((s) => s.selected);
  const marked = useStore((s) => s.marked);
  const displayed = useStore((s) => s.status?.displayed ?? 0);
  const path = useStore((s) => s.status?.path ?? null);
  const live = useStore((s) => s.status?.live ?? false);
  const growing = useStore((s) => (s.status?.indexing ?? false) || (s.status?.filtering ?? false));
  const autoScroll = useStore((s) => s.autoScroll);
  const prevSelected = useRef<number | null>(null);
  const shownCount = useRef(0);
  /** The capture the grid's rows come from (status.path at the last reset). */
  const shownPath = useRef<string | null>(null);
  /**
   * Blocks asked for before the grid asks (by start row): the first rows of a capture being opened, sent right
   * behind capture.open, and the blocks a jump lands on, sent before the grid has scrolled and debounced its own
   * request. The grid's request for that block then takes the answer (often already there) instead.
   */
  const prefetched = useRef(new Map<number, Promise<RowsResult>>());
  /** A capture is being opened: the count from status events belongs to it, the grid still to the old one. */
  const held = useRef(false);
  /** Some loaded block was short (the list ended inside it): growth must reload it to fill it. */
  const partial = useRef(false);
  /**
   * Reset, and no block loaded since: growing the count now would only redraw the placeholder rows again (each
   * redraw tens of milliseconds while the first rows are on their way); the first block's answer sets the count.
   */
  const awaitingRows = useRef(false);
  /** The row a caller scrolled to (and selects itself): focusing it needs no lookup of its packet number. */
  const focusTarget = useRef<number | null>(null);
  /** Called when the block starting at a row has been answered (a jump waiting to scroll to it). */
  const blockWaiters = useRef(new Map<number, () => void>());
  /** Bumped by every jump and reset: a jump still waiting for its rows gives up when a newer one starts. */
  const jumpSeq = useRef(0);
  // No query effect here: a new file or filter resets through the ListController (reset below). A re-pull
  // refills the short block, so the list is no longer partly filled until an answer says so again.
  const grid = useInfiniteGrid<Row>({
    refresh: (api) => {
      partial.current = false;
      api?.refreshInfiniteCache();
    },
  });
  const apiRef = grid.apiRef;

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
        const early = count === BLOCK && !held.current ? prefetched.current.get(params.startRow) : undefined;
        if (early) prefetched.current.delete(params.startRow);
        (early ?? client.request('packets.rows', { start: params.startRow, count }))
          .then((r) => {
            if (r.rows.length < count) partial.current = true;
            awaitingRows.current = false;
            // The engine's own count is the last row: the grid must not invent rows past it. A prefetched answer
            // may be older than the latest status (whose growth may have been held back), and the count only grows
            // until the next reset.
            const latest = held.current ? 0 : (useStore.getState().status?.displayed ?? 0);
            const last = Math.max(r.displayed, shownCount.current, latest);
            shownCount.current = last;
            params.successCallback(r.rows, last);
          })
          .catch((err: unknown) => {
            awaitingRows.current = false;
            params.failCallback();
            useStore.getState().notify(`Could not load packets: ${errorText(err)}`, 'error');
          })
          .finally(() => {
            const waiter = blockWaiters.current.get(params.startRow);
            blockWaiters.current.delete(params.startRow);
            waiter?.();
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
    grid.onGridReady(e);
    const prefetch = (start: number): void => {
      const map = prefetched.current;
      if (map.has(start)) return;
      const p = client.request('packets.rows', { start, count: BLOCK });
      p.catch(() => undefined); // the grid's getRows reports it, if it takes this answer
      map.set(start, p);
      // Blocks the grid never asked for (it scrolled elsewhere) must not pile up.
      while (map.size > MAX_PREFETCHED) map.delete(map.keys().next().value as number);
    };
    const scrollNow = (index: number): void => {
      focusTarget.current = index;
      api.ensureIndexVisible(index, 'middle');
      api.setFocusedCell(index, 'number');
    };
    const list: ListController = {
      scrollToIndex(index) {
        const seq = ++jumpSeq.current;
        // The blocks that will be on screen (index in the middle, ROW_BUFFER rows beyond each edge), the one
        // holding `index` first.
        const range = api.getVerticalPixelRange();
        const half = Math.ceil((range.bottom - range.top) / ROW_HEIGHT / 2) + ROW_BUFFER;
        const last = shownCount.current - 1;
        const blocks: number[] = [];
        for (let b = Math.floor(Math.max(0, index - half) / BLOCK); b <= Math.floor(Math.min(last, index + half) / BLOCK); b++) blocks.push(b);
        // Nearest first: the block holding `index`, then the one next to it.
        const centre = (b: number): number => Math.abs(b * BLOCK + BLOCK / 2 - index);
        blocks.sort((a, b) => centre(a) - centre(b));
        const known = api.getCacheBlockState() as Record<string, { pageStatus?: string } | undefined>;
        const waits: Promise<void>[] = [];
        for (const b of blocks) {
          const start = b * BLOCK;
          const state = known[String(b)]?.pageStatus;
          if (start > last || state === 'loaded' || state === 'failed') continue;
          // Ask now rather than after the scroll has been rendered and the grid's block-load debounce has passed,
          // and have the grid load the block before it is on screen: scrolling first would draw placeholder rows
          // and then replace every one of them when the rows come (two renders of the screen instead of one).
          if (state !== 'loading') prefetch(start);
          if (waits.length === MAX_JUMP_PRELOAD) continue;
          waits.push(new Promise<void>((resolve) => blockWaiters.current.set(start, resolve)));
          if (state === undefined) api.getDisplayedRowAtIndex(start); // creates the block (off screen): it loads
        }
        if (waits.length === 0) {
          scrollNow(index);
          return Promise.resolve();
        }
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, MAX_JUMP_WAIT_MS));
        return Promise.race([Promise.all(waits), timeout]).then(() => {
          if (seq === jumpSeq.current && apiRef.current === api) scrollNow(index);
        });
      },
      reset(count) {
        // A new file or filter: every cached block is wrong now, and so is any prefetched block, except the first
        // rows of the capture whose opening this reset ends.
        if (!held.current) prefetched.current.clear();
        jumpSeq.current++;
        blockWaiters.current.clear();
        held.current = false;
        partial.current = false;
        awaitingRows.current = count > 0;
        shownCount.current = count;
        shownPath.current = useStore.getState().status?.path ?? null;
        // Purge first: setting the count first would redraw the rows of the old blocks once more for nothing.
        api.purgeInfiniteCache();
        api.setRowCount(count, true);
        if (count > 0) api.ensureIndexVisible(0, 'top');
      },
      beginOpen() {
        // Until reset, status events describe the capture being opened: growing the old list by them would only
        // render (and fetch) rows that reset throws away.
        held.current = true;
        prefetched.current.clear();
        grid.cancelRefresh();
      },
      prefetchFirst() {
        if (held.current) prefetch(0);
      },
      cancelOpen() {
        held.current = false;
        prefetched.current.clear();
        const count = useStore.getState().status?.displayed ?? 0;
        if (count !== shownCount.current) list.reset(count);
      },
    };
    useStore.getState().setList(list);
    // Status may have arrived before the grid existed.
    const count = useStore.getState().status?.displayed ?? 0;
    if (count > 0) list.reset(count);
  }, []);

  useEffect(() => () => useStore.getState().setList(null), []);

  // Rows arrive while the file is being indexed (and the filter applied): grow the list, and reload blocks
  // in place (at most twice a second) when the last one was loaded only partly filled.
  useEffect(() => {
    const api = apiRef.current;
    if (!api || held.current) return;
    if (path !== shownPath.current) {
      // Another capture, opened without this page asking (Electron's menu, a live capture's spool): every cached
      // block belongs to the old one.
      useStore.getState().list?.reset(displayed);
      return;
    }
    if (awaitingRows.current || displayed === shownCount.current) return;
    const grew = displayed > shownCount.current;
    const before = shownCount.current;
    shownCount.current = displayed;
    api.setRowCount(displayed, true);
    if (!grew) {
      api.purgeInfiniteCache();
      return;
    }
    // Only a block loaded short (the list ended inside it) has rows to add; reloading full blocks would rebuild
    // the rows on screen ten times a second while a capture is indexed, for nothing.
    if (partial.current && before < BLOCK) {
      // The first block was loaded (nearly) empty, right after Open or Start: the screen is blank until it is
      // reloaded, so do it now rather than after the half-second throttle below.
      grid.refreshNow();
    } else if (partial.current) {
      grid.scheduleRefresh(500);
    }
    if (live && autoScroll && displayed > 0) api.ensureIndexVisible(displayed - 1, 'bottom');
  }, [displayed, path, live, autoScroll, growing]);

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
    if (index === focusTarget.current) {
      // Scrolled to by a caller that selects the packet itself (Go to packet, a filter keeping the selection).
      focusTarget.current = null;
      return;
    }
    focusTarget.current = null;
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
        maxBlocksInCache={60}
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
        rowBuffer={ROW_BUFFER}
        suppressScrollOnNewData
      />
      {/* Follow TCP/UDP stream and filter to it (right-click a row; Ctrl+Alt+Shift+T/U on the selected packet). */}
      <FollowContextMenu />
    </div>
  );
}
