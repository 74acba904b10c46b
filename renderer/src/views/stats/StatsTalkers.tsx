/**
 * Top talkers panel: IP hosts with packets and bytes in total, sent and received (as tshark -z endpoints),
 * sessions, the application mix of their sessions, address range, country and AS. ag-grid's infinite row
 * model asks the engine for sorted pages, so a capture with a million hosts costs only the rows in view.
 * Double-click a host to filter the packet list to it.
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { AgGridReact } from 'ag-grid-react';
import {
  type ColDef,
  type GridApi,
  type GridReadyEvent,
  type IDatasource,
  type IGetRowsParams,
  type RowDoubleClickedEvent,
} from 'ag-grid-community';
import { INFINITE_GRID } from '../../grid';
import type { TalkerRow } from '../../../../shared/views/stats';
import { client } from '../../connection';
import { errorText, useStore } from '../../store';
import { appName, countryName, formatBytes, formatCount, percent } from './stats-format';
import { useCaptureVersion } from './stats-query';
import { useStats } from './stats-store';


const PAGE = 100;
type SortKey = 'address' | 'packets' | 'bytes' | 'txPackets' | 'txBytes' | 'rxPackets' | 'rxBytes' | 'sessions';
const SORTABLE = new Set<string>(['address', 'packets', 'bytes', 'txPackets', 'txBytes', 'rxPackets', 'rxBytes', 'sessions']);

const num = (field: keyof TalkerRow, headerName: string, width = 96): ColDef<TalkerRow> => ({
  colId: field,
  field,
  headerName,
  width,
  type: 'rightAligned',
  sortable: true,
  sortingOrder: ['desc', 'asc'],
  valueFormatter: (p) => (typeof p.value === 'number' ? formatCount(p.value) : ''),
});

export function StatsTalkers() {
  const scope = useStats((s) => s.scope);
  const family = useStats((s) => s.family);
  const setFamily = useStats((s) => s.setFamily);
  const version = useCaptureVersion(scope === 'displayed');
  const apiRef = useRef<GridApi<TalkerRow> | null>(null);
  const totals = useRef({ packets: 0, bytes: 0, hosts: 0 });
  const footer = useRef<HTMLSpanElement | null>(null);
  const refreshAt = useRef(0);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const columnDefs = useMemo<ColDef<TalkerRow>[]>(
    () => [
      { colId: 'address', field: 'address', headerName: 'Address', width: 260, sortable: true, cellClass: 'mono' },
      { colId: 'range', field: 'range', headerName: 'Range', width: 80 },
      { colId: 'country', headerName: 'Country', width: 115, valueGetter: (p) => (p.data ? (p.data.country ? countryName(p.data.country) : p.data.range === 'public' ? 'Unknown' : '—') : '') },
      { colId: 'asn', headerName: 'AS', width: 180, tooltipValueGetter: (p) => (p.data && p.data.asn ? `AS${p.data.asn} ${p.data.org}` : ''), valueGetter: (p) => (p.data && p.data.asn ? `AS${p.data.asn} ${p.data.org}` : '') },
      num('packets', 'Packets'),
      // The engine's default order; shown on the header from the start.
      { ...num('bytes', 'Bytes', 110), initialSort: 'desc' },
      {
        colId: 'share',
        headerName: '% of bytes',
        headerTooltip: "Share of the capture's bytes this host sent or received",
        width: 86,
        type: 'rightAligned',
        valueGetter: (p) => (p.data ? percent(p.data.bytes, totals.current.bytes) : ''),
      },
      num('txPackets', 'Tx packets'),
      num('txBytes', 'Tx bytes', 104),
      num('rxPackets', 'Rx packets'),
      num('rxBytes', 'Rx bytes', 104),
      num('sessions', 'Sessions', 84),
      {
        colId: 'apps',
        headerName: 'Applications (by bytes)',
        flex: 1,
        minWidth: 220,
        valueGetter: (p) => (p.data ? p.data.apps.map((a) => `${appName(a.app)} ${formatBytes(a.bytes)}`).join(', ') : ''),
      },
    ],
    [],
  );

  const datasource = useMemo<IDatasource>(
    () => ({
      getRows(params: IGetRowsParams) {
        const sort = params.sortModel[0];
        const key: SortKey = sort && SORTABLE.has(sort.colId) ? (sort.colId as SortKey) : 'bytes';
        const desc = sort ? sort.sort === 'desc' : true;
        client
          .request('stats.talkers', { scope, family, sort: key, desc, start: params.startRow, count: Math.min(1000, params.endRow - params.startRow) })
          .then((r) => {
            totals.current = { packets: r.packets, bytes: r.bytes, hosts: r.total };
            if (footer.current) footer.current.textContent = `${formatCount(r.total)} hosts · ${formatCount(r.packets)} packets · ${formatBytes(r.bytes)}`;
            params.successCallback(r.rows, r.total);
          })
          .catch((err: unknown) => {
            params.failCallback();
            useStore.getState().notify(`Could not load top talkers: ${errorText(err)}`, 'error');
          });
      },
    }),
    [scope, family],
  );

  const onGridReady = useCallback((e: GridReadyEvent<TalkerRow>) => {
    apiRef.current = e.api;
  }, []);

  // More packets: reload the pages in view, at most once a second.
  useEffect(() => {
    const api = apiRef.current;
    if (!api) return;
    const wait = Math.max(0, refreshAt.current + 1000 - Date.now());
    if (refreshTimer.current) return;
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      refreshAt.current = Date.now();
      apiRef.current?.refreshInfiniteCache();
    }, wait);
  }, [version]);
  useEffect(
    () => () => {
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
    },
    [],
  );

  const onRowDoubleClicked = useCallback((e: RowDoubleClickedEvent<TalkerRow>) => {
    const row = e.data;
    if (!row) return;
    void useStore.getState().filterTo(`${row.family === 6 ? 'ipv6' : 'ip'}.addr == ${row.address}`, true);
  }, []);

  return (
    <div className="stats-talkers">
      <div className="stats-panel-bar">
        <label className="radio">
          Hosts:
          <select value={family} onChange={(e) => setFamily(e.target.value as 'all' | 'ipv4' | 'ipv6')} data-testid="talkers-family">
            <option value="all">IPv4 and IPv6</option>
            <option value="ipv4">IPv4</option>
            <option value="ipv6">IPv6</option>
          </select>
        </label>
        <span className="muted small" ref={footer} data-testid="talkers-totals" />
        <span className="muted small">Double-click a host to filter the packet list to it.</span>
      </div>
      <div className="stats-grid ag-theme-balham" data-testid="stats-talkers">
        <AgGridReact<TalkerRow>
          {...INFINITE_GRID}
          key={`${scope}|${family}`}
          datasource={datasource}
          cacheBlockSize={PAGE}
          maxBlocksInCache={20}
          infiniteInitialRowCount={1}
          rowHeight={22}
          headerHeight={26}
          columnDefs={columnDefs}
          defaultColDef={{ resizable: true, sortable: false, suppressMovable: true }}
          getRowId={(p) => p.data.address}
          onGridReady={onGridReady}
          onRowDoubleClicked={onRowDoubleClicked}
          animateRows={false}
        />
      </div>
    </div>
  );
}
