/**
 * The session tree: sessions grouped by a hierarchy (host → peer → session, application → host → session,
 * country → host → session, protocol → session), each group with packets and bytes per direction, session
 * count, first/last time, sorted by any column, and served as a window of the flattened tree (the rows a
 * virtualised list shows), never as the whole tree.
 *
 * Everything is computed over the session table's typed-array columns (or the per-session counts under a display
 * filter, see displayed-session-counts.ts): a level is a handful of typed arrays per group plus its member
 * sessions in one flat array (CSR), built in one pass over its parent's members. Only levels that are shown
 * are built: the root, and the children of expanded nodes. Sorted orders are cached per level and column.
 *
 * Directions: a host (or peer, or country) row counts "out" as what the host sent and "in" as what it received;
 * an application, protocol or session row counts "out" from the session's A side (the initiator) to its B side.
 *
 * This module is the entry point: it picks the sessions the tree holds and composes the parts, each in its own
 * file so it can be read alone:
 *  - session-tree-types.ts   the public types (re-exported here);
 *  - session-tree-level.ts   one level of the tree, node key segments, count perspectives;
 *  - session-group-keys.ts   which group(s) each session adds to, per grouping mode;
 *  - session-tree-build.ts   the hierarchy per grouping and a group level's sums (CSR);
 *  - session-group-facts.ts  a group's main application, only protocol and host name (lazy);
 *  - session-tree-rows.ts    a node as the row the view shows;
 *  - session-tree-sort.ts    sort keys and cached orders per level;
 *  - session-tree-window.ts  the flattened tree's windows and node keys → nodes.
 */
import { LevelBuilder } from './session-tree-build';
import { GroupFacts } from './session-group-facts';
import type { Level } from './session-tree-level';
import { TreeRows } from './session-tree-rows';
import { LevelSorter } from './session-tree-sort';
import type { GroupBy, TreeInput, TreeRow, TreeSort, TreeWindow } from './session-tree-types';
import { TreeFlattener } from './session-tree-window';

export { SORT_COLUMNS, type GroupBy, type RowKind, type SortColumn, type TreeInput, type TreeRow, type TreeSort, type TreeWindow } from './session-tree-types';

export class SessionTree {
  readonly root: Level;
  /** Sessions in the tree. */
  readonly matched: number;
  private readonly build: LevelBuilder;
  private readonly rows: TreeRows;
  private readonly flat: TreeFlattener;

  constructor(
    t: TreeInput,
    readonly groupBy: GroupBy,
  ) {
    const facts = new GroupFacts(t);
    this.build = new LevelBuilder(t);
    this.rows = new TreeRows(t, facts);
    this.flat = new TreeFlattener(this.build, new LevelSorter(t, facts, this.rows), this.rows);
    // The sessions the tree holds: those with a displayed packet when limited to a display filter, matching the search.
    const s = t.sessions;
    const list = new Int32Array(s.count);
    let m = 0;
    const c = t.counts;
    for (let sid = 0; sid < s.count; sid++) {
      if (t.limited && c.pktsAB[sid]! + c.pktsBA[sid]! === 0) continue;
      if (t.search !== null && !t.search.matches(sid)) continue;
      list[m++] = sid;
    }
    this.matched = m;
    this.root = this.build.root(groupBy, list.subarray(0, m));
  }

  /** Rows [start, start+count) of the tree flattened with the `expanded` node keys open, sorted by `sort`. */
  window(expanded: readonly string[], sort: TreeSort, start: number, count: number): TreeWindow {
    const { total, rows } = this.flat.window(this.root, expanded, sort, start, count);
    return { total, start, rows, sessions: this.matched };
  }

  /** The node a key names, or null when it is not in the tree (any more). */
  resolve(key: string): { level: Level; index: number } | null {
    return this.flat.resolve(this.root, key);
  }

  /** The session ids under a node (null when the key is not in the tree). */
  sessionsOf(key: string): Int32Array | null {
    const r = this.resolve(key);
    if (r === null) return null;
    if (r.level.kind === 'session') return Int32Array.of(r.level.ids[r.index]!);
    return r.level.membersOf(r.index);
  }

  row(level: Level, i: number, expanded: boolean): TreeRow {
    return this.rows.row(level, i, expanded);
  }
}
