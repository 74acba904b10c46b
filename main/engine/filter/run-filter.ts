/**
 * Runs a compiled filter over a whole capture: the column tier first, and a re-dissection only for the
 * packets it cannot decide (the expensive part, so a filter on addresses and ports never reads the file).
 */
import type { CaptureIndex } from '../capture/capture-index';
import type { TreeNode } from '../dissect/tree';
import type { CompiledFilter } from './filter';

/** A re-dissected packet: its detail tree, plus the frame bytes when protocol values are wanted. */
export interface DissectedPacket {
  readonly tree: readonly TreeNode[];
  readonly data?: Uint8Array;
}

export interface FilterRunStats {
  /** Packets decided by the columns alone. */
  decidedByColumns: number;
  /** Packets that had to be re-dissected. */
  dissected: number;
}

/**
 * Returns the 1-based numbers of the matching packets, in capture order. `dissect(i)` re-dissects the
 * packet at store index `i` in tree mode.
 */
export function filterPackets(
  index: CaptureIndex,
  filter: CompiledFilter,
  dissect: (i: number) => readonly TreeNode[] | DissectedPacket,
  stats?: FilterRunStats,
): Uint32Array {
  const n = index.store.count;
  if (filter.matchesAll) return Uint32Array.from({ length: n }, (_, i) => i + 1);
  let out = new Uint32Array(Math.min(n, 1024));
  let count = 0;
  let byColumns = 0;
  for (let i = 0; i < n; i++) {
    let hit = filter.evaluateColumns(index, i);
    if (hit === undefined) {
      const d = dissect(i);
      hit = isTree(d) ? filter.evaluateTree(d, index, i) : filter.evaluateTree(d.tree, index, i, d.data);
    } else byColumns++;
    if (!hit) continue;
    if (count === out.length) {
      const bigger = new Uint32Array(Math.min(n, out.length * 2));
      bigger.set(out);
      out = bigger;
    }
    out[count++] = i + 1;
  }
  if (stats) {
    stats.decidedByColumns = byColumns;
    stats.dissected = n - byColumns;
  }
  return out.slice(0, count);
}

function isTree(d: readonly TreeNode[] | DissectedPacket): d is readonly TreeNode[] {
  return Array.isArray(d);
}
