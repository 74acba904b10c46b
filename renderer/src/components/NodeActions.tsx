/** Copy value / Copy as filter / Apply as filter for a detail-tree node (toolbar and context menu). */
import type { DetailNode } from '../../../shared/contract';
import { useStore } from '../store';

async function copy(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    useStore.getState().notify(`Copied: ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`);
  } catch {
    useStore.getState().notify('The clipboard is not available here.', 'error');
  }
}

export function NodeActions({ node, vertical = false }: { node: DetailNode | null; vertical?: boolean }) {
  const applyFilter = useStore((s) => s.applyFilter);
  const value = node?.value ?? node?.label;
  const filter = node?.filter;
  return (
    <div className={vertical ? 'node-actions vertical' : 'node-actions'}>
      <button type="button" disabled={!value} onClick={() => value && void copy(value)}>
        Copy value
      </button>
      <button type="button" disabled={!filter} onClick={() => filter && void copy(filter)}>
        Copy as filter
      </button>
      <button type="button" disabled={!filter} onClick={() => filter && void applyFilter(filter)} data-testid="apply-as-filter">
        Apply as filter
      </button>
    </div>
  );
}
