/** SIP dialogs view (being built: see issue 6). */
export function CallsView() {
  return <div className="view upper" data-view="CallsView">SIP dialogs: not built yet.</div>;
}
