/** The upper pane's view switcher: the packet list and the analysis views (the detail panes stay below). */
import { useStore, type ViewName } from '../store';

const TABS: { view: ViewName; label: string }[] = [
  { view: 'packets', label: 'Packets' },
  { view: 'sessions', label: 'Sessions' },
  { view: 'calls', label: 'SIP calls' },
  { view: 'stats', label: 'Statistics' },
  { view: 'logs', label: 'Logs' },
];

export function ViewTabs() {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  return (
    <div className="view-tabs" role="tablist" aria-label="Views">
      {TABS.map((t) => (
        <button key={t.view} role="tab" aria-selected={view === t.view} className={view === t.view ? 'tab active' : 'tab'} onClick={() => setView(t.view)}>
          {t.label}
        </button>
      ))}
    </div>
  );
}
