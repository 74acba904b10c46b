/** A horizontal bar for a share of a total, with its percentage written over it. */
export function ShareBar({ value, total, label }: { value: number; total: number; label: string }) {
  const width = total > 0 ? Math.max(0, Math.min(100, (value / total) * 100)) : 0;
  return (
    <div className="share-bar" title={label}>
      <div className="share-fill" style={{ width: `${width}%` }} />
      <span className="share-label">{label}</span>
    </div>
  );
}
