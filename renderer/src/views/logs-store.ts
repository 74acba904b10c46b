/**
 * State of the Logs view (zustand): which log, the quick search and display filter, the sort, what the engine
 * said about the log (columns, counts, staleness, filter error) and the selected record. Rows are not kept
 * here: the grid asks the engine for the blocks it shows (logs.rows).
 */
import { create } from 'zustand';
import type { LogKind, LogRow, LogRowsResult } from '../../../shared/views/logs';

export const LOG_TABS: { kind: LogKind; label: string }[] = [
  { kind: 'dns', label: 'DNS' },
  { kind: 'http', label: 'HTTP' },
  { kind: 'tls', label: 'TLS' },
  { kind: 'sip', label: 'SIP' },
  { kind: 'apps', label: 'Applications' },
];

export interface LogSort {
  column: string;
  desc: boolean;
}

/** What the last answer said about the log as a whole (every page carries it). */
export type LogMeta = Omit<LogRowsResult, 'rows' | 'start'>;

export interface LogsState {
  kind: LogKind;
  search: string;
  /** The display filter as typed, and as applied (Enter). */
  filterText: string;
  filter: string;
  sort: LogSort | null;
  meta: LogMeta | null;
  /** A request is on its way (the first one builds the log: it can take a while on a large capture). */
  loading: boolean;
  error: string | null;
  selected: LogRow | null;

  setKind(kind: LogKind): void;
  setSearch(search: string): void;
  setFilterText(text: string): void;
  applyFilter(): void;
  /** Header click: ascending, then descending, then capture order. */
  cycleSort(column: string): void;
  setMeta(meta: LogMeta | null): void;
  setLoading(loading: boolean, error?: string | null): void;
  select(row: LogRow | null): void;
}

export const useLogs = create<LogsState>()((set, get) => ({
  kind: 'dns',
  search: '',
  filterText: '',
  filter: '',
  sort: null,
  meta: null,
  loading: false,
  error: null,
  selected: null,

  setKind: (kind) => {
    if (kind === get().kind) return;
    set({ kind, sort: null, meta: null, selected: null, error: null });
  },
  setSearch: (search) => set({ search, selected: null }),
  setFilterText: (filterText) => set({ filterText }),
  applyFilter: () => set({ filter: get().filterText.trim(), selected: null }),
  cycleSort: (column) => {
    const s = get().sort;
    const next = s === null || s.column !== column ? { column, desc: false } : !s.desc ? { column, desc: true } : null;
    set({ sort: next });
  },
  setMeta: (meta) => set({ meta }),
  setLoading: (loading, error = null) => set({ loading, error }),
  select: (selected) => set({ selected }),
}));

/** The query every logs request carries. */
export function logQuery(s: Pick<LogsState, 'kind' | 'search' | 'filter' | 'sort'>): {
  kind: LogKind;
  search: string;
  filter: string;
  sort?: LogSort;
} {
  return { kind: s.kind, search: s.search, filter: s.filter, ...(s.sort ? { sort: s.sort } : {}) };
}
