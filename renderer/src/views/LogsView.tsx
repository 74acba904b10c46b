/** Protocol logs view (being built: see issue 6). */
export function LogsView() {
  return <div className="view upper" data-view="LogsView">Protocol logs: not built yet.</div>;
}
