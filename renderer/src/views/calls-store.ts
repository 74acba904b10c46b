/**
 * The SIP calls view's own state (zustand): how the list is asked for (text filter, states, calls only), the
 * open call and its ladder. Rows are not kept here: the grid asks the engine for the window it shows
 * (calls.list). The ladder (calls.flow) is re-pulled while the capture grows, at most once a second.
 */
import { create } from 'zustand';
import type { CallFlow, CallStateName } from '../../../shared/views/calls';
import { EngineError } from '../../../shared/client';
import { client, platform } from '../connection';
import { download } from '../download';
import { formatCount } from '../format';
import { errorText, useStore } from '../store';

export interface CallsState {
  filter: string;
  states: readonly CallStateName[];
  invitesOnly: boolean;
  /** Dialogs passing the filter, all dialogs, and whether every indexed packet was looked at. */
  total: number;
  all: number;
  complete: boolean;
  /** The open call (its id), its ladder, and why it could not be built. */
  open: number | null;
  flow: CallFlow | null;
  flowError: string | null;

  setFilter(text: string): void;
  setStates(states: readonly CallStateName[]): void;
  setInvitesOnly(on: boolean): void;
  setCounts(total: number, all: number, complete: boolean): void;
  openCall(id: number | null): void;
  /** Fetches the open call's ladder again (the capture grew). */
  refreshFlow(): void;
  /** Writes the call's display filter (SIP by Call-ID, its RTP/RTCP by setup frame) into the bar. */
  filterToCall(show?: boolean): Promise<void>;
  exportCall(format: 'pcap' | 'pcapng'): Promise<void>;
}

let flowAbort: AbortController | null = null;

export const useCalls = create<CallsState>()((set, get) => ({
  filter: '',
  states: [],
  invitesOnly: false,
  total: 0,
  all: 0,
  complete: true,
  open: null,
  flow: null,
  flowError: null,

  setFilter: (filter) => set({ filter }),
  setStates: (states) => set({ states }),
  setInvitesOnly: (invitesOnly) => set({ invitesOnly }),
  setCounts: (total, all, complete) => set({ total, all, complete }),

  openCall(id) {
    if (id === get().open && get().flow !== null) return;
    set({ open: id, flow: id === get().open ? get().flow : null, flowError: null });
    if (id !== null) get().refreshFlow();
    else flowAbort?.abort();
  },

  refreshFlow() {
    const id = get().open;
    if (id === null) return;
    flowAbort?.abort();
    const ac = new AbortController();
    flowAbort = ac;
    client
      .request('calls.flow', { call: id }, { signal: ac.signal })
      .then((flow) => {
        if (get().open === id) set({ flow, flowError: null });
      })
      .catch((err: unknown) => {
        if (err instanceof EngineError && err.code === 'cancelled') return;
        if (get().open === id) set({ flowError: errorText(err) });
      });
  },

  async filterToCall(show = false) {
    const flow = get().flow;
    if (flow === null) return;
    await useStore.getState().filterTo(flow.filter, show);
  },

  async exportCall(format) {
    const id = get().open;
    if (id === null) return;
    const app = useStore.getState();
    try {
      const r = await client.request('calls.export', { call: id, format });
      if (r.downloadUrl) download(r.downloadUrl);
      const where = r.path ? ` to ${r.path}` : platform === 'browser' ? ' (downloaded by the browser)' : '';
      app.notify(`Exported ${formatCount(r.written)} packets of the call as ${format}${where}.`);
    } catch (err) {
      app.notify(`Export: ${errorText(err)}`, 'error');
    }
  },
}));

// Another capture: the call ids of the previous one mean nothing any more.
useStore.subscribe((s, prev) => {
  if (s.status?.path === prev.status?.path) return;
  flowAbort?.abort();
  useCalls.setState({ open: null, flow: null, flowError: null, total: 0, all: 0, complete: true });
});
