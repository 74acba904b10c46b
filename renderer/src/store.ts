/**
 * UI state (zustand). Rows are NOT kept here: the packet list is virtualised and asks the engine for the
 * blocks it shows; the store holds the engine's status, the selection, the open detail, filter and dialogs.
 */
import { create } from 'zustand';
import type { CaptureStats, FilterProblem, PacketDetail, Status } from '../../shared/contract';
import { EngineError, type TransportState } from '../../shared/client';
import { client, platform } from './connection';
import { download } from './download';
import { formatCount } from './format';
import type { TimeFormat } from './format';
import type { NodePath } from './bytes';

export type FilterState = 'empty' | 'checking' | 'ok' | 'error';
export type DialogName = 'open' | 'export' | 'goto' | 'follow' | 'split' | 'about' | null;
/** The upper pane's view; the detail tree and hex view below stay with every view. */
export type ViewName = 'packets' | 'sessions' | 'calls' | 'stats' | 'logs';
export interface Message {
  text: string;
  kind: 'info' | 'error';
}

/** What the packet list exposes to actions that move it (Go to packet, auto-scroll, filter changes). */
export interface ListController {
  /**
   * Scrolls row `index` into view and focuses it; the caller selects its packet. Resolves once it is on screen
   * (the list may first fetch the rows it lands on).
   */
  scrollToIndex(index: number): Promise<void>;
  reset(displayed: number): void;
  /** A capture is being opened: the list keeps its rows until reset (or cancelOpen, when the open failed). */
  beginOpen(): void;
  /** Asks for the first rows of the capture being opened; call right after sending capture.open. */
  prefetchFirst(): void;
  cancelOpen(): void;
}

const HISTORY_KEY = 'wirelens.filterHistory';
const HISTORY_MAX = 30;

function loadHistory(): string[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string').slice(0, HISTORY_MAX) : [];
  } catch {
    return [];
  }
}

export interface State {
  connection: TransportState;
  status: Status | null;
  stats: CaptureStats | null;
  recovery: { path: string; size: number; modified: string }[];
  timeFormat: TimeFormat;
  autoScroll: boolean;

  filterText: string;
  filterState: FilterState;
  filterError: FilterProblem | null;
  appliedFilter: string;
  history: string[];

  selected: number | null;
  detail: PacketDetail | null;
  detailError: string | null;
  selectedNode: NodePath | null;
  expanded: ReadonlySet<string>;
  marked: ReadonlySet<number>;

  dialog: DialogName;
  view: ViewName;
  message: Message | null;
  list: ListController | null;

  setTimeFormat(f: TimeFormat): void;
  setAutoScroll(on: boolean): void;
  setDialog(d: DialogName): void;
  setView(v: ViewName): void;
  /**
   * Writes `expr` into the filter bar and applies it (views select packets this way, so the user sees and
   * learns the filter); with `show`, switches to the packet list.
   */
  filterTo(expr: string, show?: boolean): Promise<void>;
  notify(text: string, kind?: Message['kind']): void;
  setList(list: ListController | null): void;

  setFilterText(text: string): void;
  applyFilter(expr?: string): Promise<void>;

  /** `after`: fetch the detail once it settles (Go to packet: after the list has drawn the packet's row). */
  selectPacket(number: number | null, after?: Promise<unknown>): void;
  selectNode(path: NodePath | null): void;
  /** Expansion is keyed by the chain of field names (see DetailTree), so it carries over between packets. */
  toggleExpanded(key: string, open?: boolean): void;
  toggleMark(number: number): void;

  openFile(path: string): Promise<void>;
  closeFile(): Promise<void>;
  goToPacket(number: number): Promise<boolean>;
  /** Save As for a (stopped) live capture: live.save; the browser downloads the file, Electron asks where. */
  saveCapture(format?: 'pcap' | 'pcapng'): Promise<void>;
  /** Deletes unsaved spools offered for recovery (live.discard), one by one. */
  discardSpools(paths: string[]): Promise<void>;
}

let checkTimer: ReturnType<typeof setTimeout> | null = null;
let checkAbort: AbortController | null = null;
let detailAbort: AbortController | null = null;

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const useStore = create<State>()((set, get) => ({
  connection: client.state,
  status: null,
  stats: null,
  recovery: [],
  timeFormat: 'relative',
  autoScroll: true,

  filterText: '',
  filterState: 'empty',
  filterError: null,
  appliedFilter: '',
  history: loadHistory(),

  selected: null,
  detail: null,
  detailError: null,
  selectedNode: null,
  expanded: new Set(),
  marked: new Set(),

  dialog: null,
  view: 'packets',
  message: null,
  list: null,

  setTimeFormat: (timeFormat) => set({ timeFormat }),
  setAutoScroll: (autoScroll) => set({ autoScroll }),
  setDialog: (dialog) => set({ dialog }),
  setView: (view) => set({ view }),
  async filterTo(expr, show = false) {
    get().setFilterText(expr);
    await get().applyFilter(expr);
    if (show) set({ view: 'packets' });
  },
  notify: (text, kind = 'info') => set({ message: { text, kind } }),
  setList: (list) => set({ list }),

  setFilterText(text) {
    set({ filterText: text });
    if (checkTimer) clearTimeout(checkTimer);
    checkAbort?.abort();
    if (text.trim() === '') {
      set({ filterState: 'empty', filterError: null });
      return;
    }
    set({ filterState: 'checking' });
    // Debounced: a check per keystroke would queue work in the engine faster than anyone types.
    checkTimer = setTimeout(() => {
      const ac = new AbortController();
      checkAbort = ac;
      client
        .request('filter.check', { expr: text }, { signal: ac.signal })
        .then((r) => {
          if (get().filterText !== text) return;
          set({ filterState: r.ok ? 'ok' : 'error', filterError: r.ok ? null : (r.error ?? { message: 'invalid filter', start: 0, end: text.length }) });
        })
        .catch((err: unknown) => {
          if (err instanceof EngineError && err.code === 'cancelled') return;
          set({ filterState: 'error', filterError: { message: errorText(err), start: 0, end: 0 } });
        });
    }, 200);
  },

  async applyFilter(expr) {
    const text = (expr ?? get().filterText).trim();
    if (expr !== undefined) set({ filterText: text });
    try {
      const r = await client.request('filter.apply', { expr: text });
      if (!r.ok) {
        set({ filterState: 'error', filterError: r.error ?? { message: 'invalid filter', start: 0, end: text.length } });
        return;
      }
      const history = text ? [text, ...get().history.filter((h) => h !== text)].slice(0, HISTORY_MAX) : get().history;
      try {
        localStorage.setItem(HISTORY_KEY, JSON.stringify(history));
      } catch {
        // Storage full or disabled: history just isn't remembered.
      }
      const status = get().status;
      set({
        appliedFilter: text,
        filterState: text ? 'ok' : 'empty',
        filterError: null,
        history,
        status: status ? { ...status, displayed: r.displayed, filter: text } : status,
      });
      get().list?.reset(r.displayed);
      // Keep the selected packet in view when it survives the new filter, as Wireshark does.
      const sel = get().selected;
      if (sel !== null) {
        const { index } = await client.request('packets.indexOf', { number: sel });
        if (index >= 0) get().list?.scrollToIndex(index);
      }
    } catch (err) {
      set({ filterState: 'error', filterError: { message: errorText(err), start: 0, end: 0 } });
    }
  },

  selectPacket(number, after) {
    if (number === get().selected) return;
    detailAbort?.abort();
    set({ selected: number, detailError: null, selectedNode: null });
    if (number === null) {
      set({ detail: null });
      return;
    }
    const ac = new AbortController();
    detailAbort = ac;
    const fetchDetail = (): Promise<PacketDetail> => client.request('packet.detail', { number }, { signal: ac.signal });
    (after ? after.catch(() => undefined).then(fetchDetail) : fetchDetail())
      .then((detail) => {
        if (get().selected !== number) return;
        set({ detail });
      })
      .catch((err: unknown) => {
        if (err instanceof EngineError && err.code === 'cancelled') return;
        set({ detail: null, detailError: errorText(err) });
      });
  },

  selectNode: (selectedNode) => set({ selectedNode }),

  toggleExpanded(key, open) {
    const expanded = new Set(get().expanded);
    const want = open ?? !expanded.has(key);
    if (want) expanded.add(key);
    else expanded.delete(key);
    set({ expanded });
  },

  toggleMark(number) {
    const marked = new Set(get().marked);
    if (marked.has(number)) marked.delete(number);
    else marked.add(number);
    set({ marked });
  },

  async openFile(path) {
    try {
      set({ selected: null, detail: null, selectedNode: null, marked: new Set(), appliedFilter: '', dialog: null });
      const list = get().list;
      list?.beginOpen();
      const opened = client.request('capture.open', { path });
      // The engine answers requests in order: asked for right behind the open, the first rows are built while
      // this side is still handling the open's answer, instead of after the grid has been reset and has asked.
      list?.prefetchFirst();
      const status = await opened;
      set({ status });
      list?.reset(status.displayed);
    } catch (err) {
      get().list?.cancelOpen();
      get().notify(`Could not open ${path}: ${errorText(err)}`, 'error');
    }
  },

  async closeFile() {
    try {
      const status = await client.request('capture.close', {});
      set({ status, selected: null, detail: null, selectedNode: null });
      get().list?.reset(status.displayed);
    } catch (err) {
      get().notify(errorText(err), 'error');
    }
  },

  async saveCapture(format = 'pcapng') {
    try {
      const r = await client.request('live.save', { format });
      if (r.downloadUrl) download(r.downloadUrl);
      get().notify(`Saved ${formatCount(r.written)} packets${r.path ? ` to ${r.path}` : platform === 'browser' ? ' (downloaded by the browser)' : ''}.`);
    } catch (err) {
      get().notify(`Save: ${errorText(err)}`, 'error');
    }
  },

  async discardSpools(paths) {
    for (const path of paths) {
      try {
        const r = await client.request('live.discard', { path });
        set({ recovery: r.spools });
      } catch (err) {
        get().notify(`Could not discard ${path}: ${errorText(err)}`, 'error');
        return;
      }
    }
  },

  async goToPacket(number) {
    try {
      // Without a display filter packet N is row N-1 (the engine's packets.indexOf says so too): no round trip
      // before the list can start fetching the rows. A filter, or a packet not indexed yet, asks the engine.
      const st = get().status;
      const unfiltered = st !== null && st.filter === '' && !st.filtering && number <= st.displayed;
      const { index } = unfiltered ? { index: number - 1 } : await client.request('packets.indexOf', { number });
      if (index < 0) {
        get().notify(`Packet ${number} is not displayed (no such packet, or hidden by the filter).`, 'error');
        return false;
      }
      const shown = get().list?.scrollToIndex(index);
      // The row first: the detail tree and bytes (rendered when they arrive) would otherwise compete with it.
      get().selectPacket(number, shown);
      return true;
    } catch (err) {
      get().notify(errorText(err), 'error');
      return false;
    }
  },
}));

/** Wires engine events to the store; called once at start-up. */
export function connectStore(): void {
  const refreshStatus = (): void => {
    client
      .request('capture.status', {})
      .then((status) => {
        useStore.setState({ status, appliedFilter: status.filter });
        useStore.getState().list?.reset(status.displayed);
      })
      .catch(() => {
        // Offline: the state handler below retries on reconnect.
      });
  };
  client.on('status', (status) => useStore.setState({ status }));
  client.on('captureStats', (stats) => useStore.setState({ stats }));
  client.on('recovery', (r) => useStore.setState({ recovery: r.spools }));
  client.onState((connection) => {
    useStore.setState({ connection });
    if (connection === 'open') refreshStatus();
  });
  if (client.state === 'open') refreshStatus();
}
