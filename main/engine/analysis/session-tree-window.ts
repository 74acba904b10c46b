/**
 * The session tree served as a window of its flattened form: the node keys the view has expanded, a sort and
 * a row range in; the rows of that range out (what a virtualised list shows), never the whole tree. The
 * flattened size is counted level by level from the expanded keys (a level's size is its own rows plus its
 * expanded children's), then only the levels that overlap the range are walked, in sorted order, skipping
 * whole subtrees before it. Also resolves a node key back to its level and index.
 *
 * Node keys are the ancestors' segments joined by '/' (SEG in session-tree-level.ts): a key stays valid across
 * windows and sorts, and one that names nothing (any more) is ignored.
 */
import type { LevelBuilder } from './session-tree-build';
import { SEG, type Level } from './session-tree-level';
import type { TreeRows } from './session-tree-rows';
import type { LevelSorter } from './session-tree-sort';
import type { TreeRow, TreeSort } from './session-tree-types';

/** The expanded keys as a trie of segments: the expanded nodes under each node. */
interface Trie {
  readonly next: Map<string, Trie>;
}

export class TreeFlattener {
  constructor(
    private readonly build: LevelBuilder,
    private readonly sorter: LevelSorter,
    private readonly rows: TreeRows,
  ) {}

  /** Rows [start, start+count) of the tree under `root` flattened with the `expanded` node keys open, sorted by `sort`. */
  window(root: Level, expanded: readonly string[], sort: TreeSort, start: number, count: number): { total: number; rows: TreeRow[] } {
    const trie: Trie = { next: new Map() };
    for (const key of expanded) {
      let node = trie;
      for (const seg of key.split('/')) {
        let nx = node.next.get(seg);
        if (nx === undefined) {
          nx = { next: new Map() };
          node.next.set(seg, nx);
        }
        node = nx;
      }
    }
    const sizes = new Map<Level, number>();
    const total = this.visible(root, trie, sizes);
    const rows: TreeRow[] = [];
    const end = Math.min(total, start + count);
    if (start < end) this.emit(root, trie, sort, sizes, 0, start, end, rows);
    return { total, rows };
  }

  /** The node a key names under `root`, or null when it is not in the tree (any more). */
  resolve(root: Level, key: string): { level: Level; index: number } | null {
    let level: Level | null = root;
    const segs = key.split('/');
    for (let k = 0; k < segs.length; k++) {
      if (level === null) return null;
      const i = this.segIndex(level, segs[k]!);
      if (i < 0) return null;
      if (k === segs.length - 1) return { level, index: i };
      level = this.build.child(level, i);
    }
    return null;
  }

  /** The local index in `level` a key segment names, or -1 (wrong kind letter, not a number, not in the level). */
  private segIndex(level: Level, seg: string): number {
    if (seg.length < 2 || seg[0] !== SEG[level.kind]) return -1;
    const id = Number(seg.slice(1));
    if (!Number.isInteger(id) || id < 0) return -1;
    return level.localOf(id);
  }

  /** Rows shown for `level` with the nodes of `trie` expanded (memoised per level for this request). */
  private visible(level: Level, trie: Trie, sizes: Map<Level, number>): number {
    let n = level.n;
    if (level.kind !== 'session') {
      for (const [seg, sub] of trie.next) {
        const i = this.segIndex(level, seg);
        if (i >= 0) n += this.visible(this.build.child(level, i), sub, sizes);
      }
    }
    sizes.set(level, n);
    return n;
  }

  /** Appends the rows of `level` (whose first row is flattened row `base`) that fall in [from, to). */
  private emit(level: Level, trie: Trie, sort: TreeSort, sizes: Map<Level, number>, base: number, from: number, to: number, out: TreeRow[]): void {
    const order = this.sorter.order(level, sort);
    const rank = this.sorter.rank(level, sort, order);
    const open: { pos: number; index: number; sub: Trie }[] = [];
    if (level.kind !== 'session') {
      for (const [seg, sub] of trie.next) {
        const i = this.segIndex(level, seg);
        if (i >= 0) open.push({ pos: rank[i]!, index: i, sub });
      }
      open.sort((a, b) => a.pos - b.pos);
    }
    let pos = 0;
    let row = base;
    const plain = (untilPos: number): void => {
      // Items [pos, untilPos) as rows [row, row + untilPos - pos).
      const lo = Math.max(pos, pos + (from - row));
      const hi = Math.min(untilPos, pos + (to - row));
      for (let p = lo; p < hi; p++) {
        const i = order[p]!;
        out.push(this.rows.row(level, i, false));
      }
      row += untilPos - pos;
      pos = untilPos;
    };
    for (const o of open) {
      if (row >= to) return;
      plain(o.pos);
      if (row >= to) return;
      if (row >= from) out.push(this.rows.row(level, o.index, true));
      row++;
      pos++;
      const child = this.build.child(level, o.index);
      const size = sizes.get(child) ?? 0;
      if (row + size > from && row < to) this.emit(child, o.sub, sort, sizes, row, from, to, out);
      row += size;
    }
    if (row < to) plain(level.n);
  }
}
