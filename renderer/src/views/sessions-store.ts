/**
 * The session tree's own UI state (zustand): how the tree is asked for (grouping, open nodes, search, whether it
 * is limited to the display filter), the selected node, and the context menu. Rows are not kept here: the grid
 * asks the engine for the window it shows (sessions.tree).
 *
 * Selecting a node writes its display filter into the filter bar and applies it. The tree must not then shrink
 * to that node (every other node would vanish from under the pointer), so the tree stays limited to the filter
 * the user applied before — `baseFilter` — and a node's filter is written as `(base) && node`.
 */
import { create } from 'zustand';
import type { SessionGrouping, SessionTreeRow } from '../../../shared/views/sessions';
import { client, platform } from '../connection';
import { download } from '../download';
import { formatCount } from '../format';
import { errorText, useStore } from '../store';

/** Open nodes sent with each request (the contract's bound). */
const MAX_EXPANDED = 2000;

export interface SessionsMenu {
  x: number;
  y: number;
  row: SessionTreeRow;
}

export interface SessionsState {
  groupBy: SessionGrouping;
  expanded: ReadonlySet<string>;
  search: string;
  /** Limit the tree to sessions with displayed packets (Wireshark's "Limit to display filter"). */
  limit: boolean;
  /** The display filter the user applied (not one the tree wrote). */
  baseFilter: string;
  /** The filter the tree last wrote into the bar, while it is still the applied one. */
  nodeFilter: string | null;
  selectedKey: string | null;
  total: number;
  sessions: number;
  menu: SessionsMenu | null;

  setGroupBy(g: SessionGrouping): void;
  toggle(key: string, open?: boolean): void;
  setSearch(text: string): void;
  setLimit(on: boolean): void;
  setCounts(total: number, sessions: number): void;
  /** Selects a node: its filter goes into the bar (and is applied); its first packet is shown below. */
  select(row: SessionTreeRow): void;
  /** Filters the packet list to the node and switches to it. */
  filterTo(row: SessionTreeRow): void;
  exportNode(row: SessionTreeRow, format: 'pcap' | 'pcapng'): Promise<void>;
  openMenu(menu: SessionsMenu | null): void;
}

/** The filter the tree requests with ('' = not limited). */
export function treeFilter(s: Pick<SessionsState, 'limit' | 'baseFilter'>): string {
  return s.limit ? s.baseFilter : '';
}

/** A node's filter combined with the base filter it was counted under. */
export function nodeExpression(base: string, node: string): string {
  return base.trim() === '' ? node : `(${base}) && (${node})`;
}

export const useSessions = create<SessionsState>()((set, get) => ({
  groupBy: 'host',
  expanded: new Set(),
  search: '',
  limit: true,
  baseFilter: useStore.getState().appliedFilter,
  nodeFilter: null,
  selectedKey: null,
  total: 0,
  sessions: 0,
  menu: null,

  setGroupBy: (groupBy) => set({ groupBy, expanded: new Set(), selectedKey: null }),
  toggle(key, open) {
    const expanded = new Set(get().expanded);
    const want = open ?? !expanded.has(key);
    if (want) {
      expanded.add(key);
      // The engine takes at most MAX_EXPANDED open nodes: forget the ones opened first.
      for (const k of expanded) {
        if (expanded.size <= MAX_EXPANDED) break;
        expanded.delete(k);
      }
    } else {
      // Closing a node closes its open descendants too (they would reopen unexpectedly otherwise).
      for (const k of expanded) if (k === key || k.startsWith(`${key}/`)) expanded.delete(k);
    }
    set({ expanded });
  },
  setSearch: (search) => set({ search }),
  setLimit: (limit) => set({ limit }),
  setCounts: (total, sessions) => {
    if (get().total !== total || get().sessions !== sessions) set({ total, sessions });
  },

  select(row) {
    const st = get();
    const expr = nodeExpression(treeFilter(st), row.filter);
    set({ selectedKey: row.key, nodeFilter: expr });
    const app = useStore.getState();
    if (app.appliedFilter !== expr) void app.filterTo(expr);
    if (row.firstPacket > 0) app.selectPacket(row.firstPacket);
  },

  filterTo(row) {
    const expr = nodeExpression(treeFilter(get()), row.filter);
    set({ selectedKey: row.key, nodeFilter: expr });
    void useStore.getState().filterTo(expr, true);
  },

  async exportNode(row, format) {
    const st = get();
    const app = useStore.getState();
    try {
      const r = await client.request('sessions.export', { groupBy: st.groupBy, filter: treeFilter(st), search: st.search, key: row.key, format });
      if (r.downloadUrl) download(r.downloadUrl);
      const where = r.path ? ` to ${r.path}` : platform === 'browser' ? ' (downloaded by the browser)' : '';
      app.notify(`Exported ${formatCount(r.written)} packets of ${row.label} as ${format}${where}.`);
    } catch (err) {
      app.notify(`Export: ${errorText(err)}`, 'error');
    }
  },

  openMenu: (menu) => set({ menu }),
}));

// The base filter follows what the user applies; a filter the tree wrote itself is not a new base.
useStore.subscribe((s, prev) => {
  // Another capture: node keys name other nodes there.
  if ((s.status?.path ?? null) !== (prev.status?.path ?? null)) useSessions.setState({ expanded: new Set(), selectedKey: null, menu: null });
  if (s.appliedFilter === prev.appliedFilter) return;
  const st = useSessions.getState();
  if (st.nodeFilter !== null && s.appliedFilter === st.nodeFilter) return;
  useSessions.setState({ baseFilter: s.appliedFilter, nodeFilter: null, selectedKey: null });
});
