/** Statistics view (being built: see issue 6). */
export function StatsView() {
  return <div className="view upper" data-view="StatsView">Statistics: not built yet.</div>;
}
