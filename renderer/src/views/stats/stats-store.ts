/** The statistics view's own UI state: which panel is shown, the scope, and each panel's settings. */
import { create } from 'zustand';
import type { StatsScope } from '../../../../shared/views/stats';

export type StatsPanel = 'summary' | 'hierarchy' | 'talkers' | 'geo' | 'apps' | 'io';

export const PANELS: readonly { id: StatsPanel; label: string }[] = [
  { id: 'summary', label: 'Summary' },
  { id: 'hierarchy', label: 'Protocol hierarchy' },
  { id: 'talkers', label: 'Top talkers' },
  { id: 'geo', label: 'Countries & ASNs' },
  { id: 'apps', label: 'Applications' },
  { id: 'io', label: 'I/O graph' },
];

export type IoGroup = 'none' | 'protocol' | 'app';
export type IoMetric = 'packets' | 'bits';

export interface StatsState {
  panel: StatsPanel;
  scope: StatsScope;
  family: 'all' | 'ipv4' | 'ipv6';
  ioGroup: IoGroup;
  ioMetric: IoMetric;
  /** Bucket width in seconds; null picks one from the range shown (about 300 buckets). */
  ioInterval: number | null;
  /** Zoomed range in seconds since the first packet; null shows the whole capture. */
  ioRange: { from: number; to: number } | null;
  setPanel(p: StatsPanel): void;
  setScope(s: StatsScope): void;
  setFamily(f: StatsState['family']): void;
  setIoGroup(g: IoGroup): void;
  setIoMetric(m: IoMetric): void;
  setIoInterval(i: number | null): void;
  setIoRange(r: StatsState['ioRange']): void;
}

export const useStats = create<StatsState>()((set) => ({
  panel: 'summary',
  scope: 'all',
  family: 'all',
  ioGroup: 'none',
  ioMetric: 'packets',
  ioInterval: null,
  ioRange: null,
  setPanel: (panel) => set({ panel }),
  setScope: (scope) => set({ scope }),
  setFamily: (family) => set({ family }),
  setIoGroup: (ioGroup) => set({ ioGroup }),
  setIoMetric: (ioMetric) => set({ ioMetric }),
  setIoInterval: (ioInterval) => set({ ioInterval }),
  setIoRange: (ioRange) => set({ ioRange }),
}));
