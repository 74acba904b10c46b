/** Session tree view (being built: see issue 6). */
export function SessionsView() {
  return <div className="view upper" data-view="SessionsView">Session tree: not built yet.</div>;
}
