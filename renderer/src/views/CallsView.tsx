/**
 * SIP dialogs: the call list (one row per Call-ID: From, To, start, state, setup time, duration, messages, RTP
 * streams with loss and jitter), filterable and sortable, virtualised with ag-grid's infinite row model — the
 * engine sorts and filters, and answers only the rows in view (calls.list). Clicking a call opens its flow
 * ladder beside the list (CallLadder), with "Filter to this call" and the call's export.
 *
 * While a file is indexed or a live capture runs, the rows in view (and the open ladder) are re-pulled when the
 * status says packets arrived, at most once a second; an answer that is not complete yet asks again soon.
 */
import { useCallback, useEffect, useMemo, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { AgGridReact } from 'ag-grid-react';
import {
  type ColDef,
  type GetRowIdParams,
  type ICellRendererParams,
  type IDatasource,
  type IGetRowsParams,
  type RowClassRules,
  type RowClickedEvent,
  type ValueFormatterParams,
} from 'ag-grid-community';
import { INFINITE_GRID } from '../grid';
import { useInfiniteGrid } from '../use-infinite-grid';
import { CALL_SORT_KEYS, CALL_STATES, type CallRow, type CallSortKey, type CallStateName } from '../../../shared/views/calls';
import { client } from '../connection';
import { formatCount } from '../format';
import { errorText, useStore } from '../store';
import { CallLadder } from './CallLadder';
import { useCalls } from './calls-store';
import './calls.css';


const BLOCK = 100;
/** While a file is indexed or a capture runs, the visible rows are re-pulled at most this often. */
const LIVE_REFRESH_MS = 1000;

const isSortKey = (c: string): c is CallSortKey => (CALL_SORT_KEYS as readonly string[]).includes(c);

const secs = (digits: number) => (p: ValueFormatterParams<CallRow, number | null>): string =>
  typeof p.value === 'number' ? p.value.toFixed(digits) : '';
const count = (p: ValueFormatterParams<CallRow, number>): string => (typeof p.value === 'number' ? formatCount(p.value) : '');

function StateCell(p: ICellRendererParams<CallRow>) {
  const row = p.data;
  if (!row) return <span className="muted">…</span>;
  return (
    <span className={`call-state call-state-${row.state.replace(' ', '-')}`} data-testid="call-state">
      {row.state}
    </span>
  );
}

function RtpCell(p: ICellRendererParams<CallRow>) {
  const row = p.data;
  if (!row || row.streams.length === 0) return <span className="muted">{row ? '—' : ''}</span>;
  const title = row.streams
    .map((s) => `${s.src}:${s.sport} → ${s.dst}:${s.dport} ${s.codec}: ${s.packets} pkts, lost ${s.lost}, max jitter ${s.maxJitter.toFixed(3)} ms`)
    .join('\n');
  return (
    <span title={title} className={row.lost > 0 ? 'call-rtp-lossy' : undefined}>
      {row.streams.length} · {row.streams.reduce((n, s) => n + s.packets, 0)} pkts
    </span>
  );
}

function LadderPanel() {
  const open = useCalls((s) => s.open);
  const flow = useCalls((s) => s.flow);
  const flowError = useCalls((s) => s.flowError);
  if (open === null) return null;
  const st = useCalls.getState();
  const call = flow?.call;
  return (
    <div className="call-panel" data-testid="call-panel">
      <div className="call-panel-bar">
        <b className="call-panel-title" title={call?.callId}>
          {call ? `${call.method} ${call.from || '?'} → ${call.to || '?'}` : 'Loading…'}
        </b>
        {call && (
          <span className={`call-state call-state-${call.state.replace(' ', '-')}`} data-testid="call-panel-state">
            {call.state}
            {call.status ? ` (${call.status})` : ''}
          </span>
        )}
        <span className="call-panel-actions">
          <button type="button" data-testid="call-filter" disabled={!flow} title={flow?.filter} onClick={() => void st.filterToCall(true)}>
            Filter to this call
          </button>
          <button type="button" data-testid="call-export-pcap" disabled={!flow} onClick={() => void st.exportCall('pcap')}>
            Export pcap
          </button>
          <button type="button" data-testid="call-export-pcapng" disabled={!flow} onClick={() => void st.exportCall('pcapng')}>
            pcapng
          </button>
          <button type="button" className="close" aria-label="Close the call flow" data-testid="call-close" onClick={() => st.openCall(null)}>
            ×
          </button>
        </span>
      </div>
      {call && (
        <div className="call-panel-facts small muted mono" data-testid="call-facts">
          Call-ID {call.callId} · {call.transport} · {call.messages} messages · setup {call.setup === null ? '—' : `${call.setup.toFixed(3)} s`} · duration{' '}
          {call.duration === null ? '—' : `${call.duration.toFixed(3)} s`}
        </div>
      )}
      {flowError !== null && <div className="error-text call-panel-error">{flowError}</div>}
      {flow && <CallLadder flow={flow} />}
    </div>
  );
}

export function CallsView() {
  const filter = useCalls((s) => s.filter);
  const states = useCalls((s) => s.states);
  const invitesOnly = useCalls((s) => s.invitesOnly);
  const total = useCalls((s) => s.total);
  const all = useCalls((s) => s.all);
  const complete = useCalls((s) => s.complete);
  const open = useCalls((s) => s.open);
  const path = useStore((s) => s.status?.path ?? null);
  const packets = useStore((s) => s.status?.packets ?? 0);
  const live = useStore((s) => s.status?.live ?? false);
  const [filterText, setFilterText] = useState(filter);
  // Another query or capture: start from the top. A re-pull also re-pulls the open ladder (it grows too).
  const grid = useInfiniteGrid<CallRow>({
    resetOn: [filter, states, invitesOnly, path],
    refresh: (api) => {
      api?.refreshInfiniteCache();
      useCalls.getState().refreshFlow();
    },
  });
  const { apiRef, onGridReady, scheduleRefresh } = grid;

  const columnDefs = useMemo<ColDef<CallRow>[]>(
    () => [
      { colId: 'start', headerName: 'Start', field: 'start', width: 100, type: 'rightAligned', valueFormatter: secs(6), sort: 'asc', headerTooltip: 'Seconds since the first packet' },
      { colId: 'method', headerName: 'Method', field: 'method', width: 86 },
      { colId: 'from', headerName: 'From', field: 'from', width: 190 },
      { colId: 'to', headerName: 'To', field: 'to', width: 190 },
      { colId: 'state', headerName: 'State', field: 'state', width: 100, cellRenderer: StateCell },
      { colId: 'status', headerName: 'Status', field: 'status', width: 70, type: 'rightAligned', valueFormatter: (p) => (p.value ? String(p.value) : '') },
      { colId: 'setup', headerName: 'Setup (s)', field: 'setup', width: 86, type: 'rightAligned', valueFormatter: secs(3), headerTooltip: 'First INVITE to its 2xx answer' },
      { colId: 'duration', headerName: 'Duration (s)', field: 'duration', width: 100, type: 'rightAligned', valueFormatter: secs(3), headerTooltip: 'Answer to BYE (or to the last packet so far)' },
      { colId: 'messages', headerName: 'Msgs', field: 'messages', width: 66, type: 'rightAligned', valueFormatter: count },
      { colId: 'streams', headerName: 'RTP', width: 110, cellRenderer: RtpCell, headerTooltip: 'RTP streams and their packets' },
      { colId: 'lost', headerName: 'Lost', field: 'lost', width: 64, type: 'rightAligned', valueFormatter: (p) => (p.data && p.data.streams.length > 0 ? formatCount(p.value ?? 0) : ''), headerTooltip: 'RTP packets lost (expected − received, all streams)' },
      { colId: 'jitter', headerName: 'Jitter (ms)', field: 'maxJitter', width: 90, type: 'rightAligned', valueFormatter: (p) => (p.data && p.data.streams.length > 0 ? (p.value ?? 0).toFixed(2) : ''), headerTooltip: 'Worst max jitter of its streams' },
      { colId: 'transport', headerName: 'Transport', field: 'transport', width: 84 },
      { colId: 'endpoints', headerName: 'Caller → callee', width: 260, sortable: false, valueGetter: (p) => (p.data ? `${p.data.caller} → ${p.data.callee}` : '') },
      { colId: 'callId', headerName: 'Call-ID', field: 'callId', width: 280 },
    ],
    [],
  );
  const defaultColDef = useMemo<ColDef<CallRow>>(() => ({ resizable: true, sortable: true, suppressMovable: true }), []);

  const datasource = useMemo<IDatasource>(
    () => ({
      getRows(params: IGetRowsParams) {
        const st = useCalls.getState();
        const m = params.sortModel[0];
        client
          .request('calls.list', {
            start: params.startRow,
            count: params.endRow - params.startRow,
            sort: m && isSortKey(m.colId) ? m.colId : 'start',
            desc: m?.sort === 'desc',
            filter: st.filter,
            states: [...st.states],
            invitesOnly: st.invitesOnly,
          })
          .then((r) => {
            params.successCallback(r.rows, r.total);
            useCalls.getState().setCounts(r.total, r.all, r.complete);
            // The engine has not looked at every packet yet (a big capture): ask again shortly.
            if (!r.complete) scheduleRefresh(300);
          })
          .catch((err: unknown) => {
            params.failCallback();
            if (useStore.getState().status?.path) useStore.getState().notify(`SIP calls: ${errorText(err)}`, 'error');
          });
      },
    }),
    [],
  );

  // Packets arrived (indexing, a live capture): re-pull the rows in view and the open ladder, throttled.
  useEffect(() => {
    if (packets === 0) return;
    grid.refreshWithin(LIVE_REFRESH_MS);
  }, [packets]);

  // Text filter: debounced, a query per keystroke would queue work in the engine.
  useEffect(() => {
    const t = setTimeout(() => useCalls.getState().setFilter(filterText.trim()), 250);
    return () => clearTimeout(t);
  }, [filterText]);

  useEffect(() => {
    apiRef.current?.redrawRows();
  }, [open]);

  const rowClassRules = useMemo<RowClassRules<CallRow>>(() => ({ 'wl-selected': (p) => p.data !== undefined && p.data.id === useCalls.getState().open }), []);
  const getRowId = useCallback((p: GetRowIdParams<CallRow>) => String(p.data.id), []);
  const onRowClicked = useCallback((e: RowClickedEvent<CallRow>) => {
    if (e.data) useCalls.getState().openCall(e.data.id);
  }, []);
  const stopTyping = (e: ReactKeyboardEvent): void => e.stopPropagation();
  const stateValue = states.length === 1 ? (states[0] as string) : '';

  return (
    <div className="view upper calls-view" data-view="CallsView" data-testid="calls-view">
      <div className="calls-toolbar">
        <input
          className="calls-search"
          data-testid="calls-search"
          type="search"
          placeholder="Search Call-ID, From, To, state, status, address…"
          value={filterText}
          onChange={(e) => setFilterText(e.target.value)}
          onKeyDown={stopTyping}
        />
        <label>
          State{' '}
          <select
            data-testid="calls-state"
            value={stateValue}
            onChange={(e) => useCalls.getState().setStates(e.target.value === '' ? [] : [e.target.value as CallStateName])}
          >
            <option value="">all</option>
            {CALL_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox" title="Only dialogs started by an INVITE (not REGISTER, OPTIONS, SUBSCRIBE …)">
          <input type="checkbox" data-testid="calls-invites" checked={invitesOnly} onChange={(e) => useCalls.getState().setInvitesOnly(e.target.checked)} />
          Calls only (INVITE)
        </label>
        <span className="calls-counts muted" data-testid="calls-counts">
          {total === all ? `${formatCount(all)} dialogs` : `${formatCount(total)} of ${formatCount(all)} dialogs`}
          {complete ? '' : ' · reading…'}
        </span>
      </div>
      <div className="calls-body">
        <div className="calls-grid ag-theme-balham" data-testid="calls-grid">
          {path === null ? (
            <div className="calls-empty muted">Open a capture (or start a live capture) to see its SIP calls.</div>
          ) : (
            <>
              <AgGridReact<CallRow>
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
                animateRows={false}
                rowBuffer={10}
                suppressScrollOnNewData
              />
              {all === 0 && complete && <div className="calls-none muted" data-testid="calls-none">No SIP dialogs in this capture{live ? ' yet' : ''}.</div>}
            </>
          )}
        </div>
        <LadderPanel />
      </div>
    </div>
  );
}
