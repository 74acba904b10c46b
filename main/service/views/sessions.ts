/**
 * Engine-side handlers of the sessions view's contract methods (shared/views/sessions.ts): the session tree
 * (main/engine/analysis/session-groups.ts) over the open capture, and exporting one node's packets.
 *
 * State per open capture: the per-session counts under each display filter the tree was limited to (filled
 * incrementally from the filter's displayed list — the capture's current one, or one kept from before a node
 * selection replaced the filter), and the last tree built. A tree is rebuilt only when what it counts changed
 * (packets, sessions or displayed packets grew) or its grouping/search/filter changed; windows, sorts and
 * expansions of an unchanged tree reuse it.
 */
import type { ParsedParams, Results } from '../../../shared/contract';
import type { sessionsMethods } from '../../../shared/views/sessions';
import { DisplayedSessionCounts, type SessionCounts } from '../../engine/analysis/displayed-session-counts';
import { SessionTree, type GroupBy } from '../../engine/analysis/session-groups';
import { SessionLabels } from '../../engine/analysis/session-labels';
import { SessionNodeFilters } from '../../engine/analysis/session-node-filter';
import { SessionSearch } from '../../engine/analysis/session-search';
import { PacketAccess } from '../../engine/capture/packet-access';
import { compileFilter, FilterSyntaxError } from '../../engine/filter';
import type { CaptureSession } from '../capture-session';
import { DisplayList } from '../display-list';
import { ServiceError } from '../errors';
import { runExport } from '../export';
import type { HandlersOf, ViewContext } from '../handler';
import { derivedName, outputResult, outputTarget } from '../output-target';

/** Longest time one request spends applying a filter of its own (the rest comes with the next requests). */
const FILTER_BUDGET_MS = 40;
/**
 * Display filters whose per-session counts are kept: the base filter the tree is limited to while a node
 * selection has replaced the capture's filter, and one more (9 columns per session each).
 */
const MAX_FILTERS = 2;

interface FilterEntry {
  text: string;
  list: DisplayList;
  counts: DisplayedSessionCounts;
  access: PacketAccess | null;
  serial: number;
}

interface Counted {
  counts: SessionCounts;
  limited: boolean;
  list: DisplayList | null;
  complete: boolean;
  version: string;
}

class TreeState {
  readonly labels: SessionLabels;
  readonly filters: SessionNodeFilters;
  private entries: FilterEntry[] = [];
  private serial = 0;
  private search: SessionSearch | null = null;
  private tree: { key: string; version: string; tree: SessionTree } | null = null;

  constructor(private readonly cs: CaptureSession) {
    const ix = cs.index;
    this.labels = new SessionLabels(ix.sessions, ix.endpoints, cs.enrichment);
    this.filters = new SessionNodeFilters(ix.sessions, this.labels);
  }

  treeFor(p: { groupBy: GroupBy; filter: string; search: string }): { tree: SessionTree; counted: Counted } {
    const counted = this.counted(p.filter.trim());
    const search = p.search.trim();
    const key = `${p.groupBy}\n${search}\n${p.filter.trim()}`;
    if (this.tree !== null && this.tree.key === key && this.tree.version === counted.version) return { tree: this.tree.tree, counted };
    const ix = this.cs.index;
    if (search === '') this.search = null;
    else if (this.search === null || this.search.needle !== search.toLowerCase()) {
      this.search = new SessionSearch(search, ix.sessions, this.labels, this.cs.enrichment);
    }
    const tree = new SessionTree(
      {
        sessions: ix.sessions,
        endpoints: ix.endpoints,
        enrichment: this.cs.enrichment,
        labels: this.labels,
        filters: this.filters,
        counts: counted.counts,
        limited: counted.limited,
        search: this.search,
        originSec: ix.firstSec,
        originNsec: ix.firstNsec,
      },
      p.groupBy,
    );
    this.tree = { key, version: counted.version, tree };
    return { tree, counted };
  }

  /** The per-session numbers under display filter `text` ('' = all packets), brought up to date. */
  private counted(text: string): Counted {
    const ix = this.cs.index;
    const base = `${ix.store.count}|${ix.sessions.count}`;
    if (text === '') return { counts: ix.sessions, limited: false, list: null, complete: true, version: base };
    const current = this.cs.displayList;
    let entry: FilterEntry | undefined;
    if (current !== null && current.filter.text.trim() === text) {
      entry = this.entries.find((e) => e.list === current);
      if (entry === undefined) entry = this.add(text, current);
    } else {
      entry = this.entries.find((e) => e.text === text && e.list !== current);
      if (entry === undefined) {
        let filter;
        try {
          filter = compileFilter(text);
        } catch (err) {
          if (err instanceof FilterSyntaxError) throw new ServiceError('invalid', `filter: ${err.error.message}`);
          throw err;
        }
        if (filter.matchesAll) return { counts: ix.sessions, limited: false, list: null, complete: true, version: base };
        entry = this.add(text, new DisplayList(filter));
      }
      // Not the capture's current filter any more (or never): nobody else advances it.
      if (entry.list.scanned < ix.store.count) {
        entry.access ??= new PacketAccess(ix);
        entry.list.advance(ix, entry.access, performance.now() + FILTER_BUDGET_MS);
      }
    }
    // Most recently used last.
    this.entries = [...this.entries.filter((e) => e !== entry), entry];
    const list = entry.list;
    entry.counts.update(ix.store, list.view(), list.count, ix.sessions.count);
    return {
      counts: entry.counts,
      limited: true,
      list,
      complete: list.scanned >= ix.store.count,
      version: `${base}|${entry.serial}|${list.count}`,
    };
  }

  private add(text: string, list: DisplayList): FilterEntry {
    const entry: FilterEntry = { text, list, counts: new DisplayedSessionCounts(), access: null, serial: ++this.serial };
    this.entries.push(entry);
    if (this.entries.length > MAX_FILTERS) this.entries.shift();
    return entry;
  }
}

const states = new WeakMap<CaptureSession, TreeState>();

function stateOf(cs: CaptureSession): TreeState {
  let st = states.get(cs);
  if (st === undefined) {
    st = new TreeState(cs);
    states.set(cs, st);
  }
  return st;
}

/** The packet numbers (ascending) of the sessions `sids`, among the displayed ones when the tree is limited. */
export function packetsOfSessions(cs: CaptureSession, sids: Int32Array, list: DisplayList | null): Uint32Array {
  const ix = cs.index;
  const mask = new Uint8Array(ix.sessions.count);
  for (const sid of sids) mask[sid] = 1;
  const sess = ix.store.session;
  let out = new Uint32Array(1024);
  let n = 0;
  const push = (num: number): void => {
    if (n === out.length) {
      const bigger = new Uint32Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[n++] = num;
  };
  if (list !== null) {
    const nums = list.view();
    for (let k = 0; k < nums.length; k++) {
      const sid = sess[nums[k]! - 1]!;
      if (sid >= 0 && mask[sid] === 1) push(nums[k]!);
    }
  } else {
    const count = ix.store.count;
    for (let i = 0; i < count; i++) {
      const sid = sess[i]!;
      if (sid >= 0 && mask[sid] === 1) push(i + 1);
    }
  }
  return out.slice(0, n);
}

function exportNode(ctx: ViewContext, p: ParsedParams<'sessions.export'>): Results['sessions.export'] {
  const cs = ctx.current();
  const { tree, counted } = stateOf(cs).treeFor(p);
  const node = tree.resolve(p.key);
  const sids = tree.sessionsOf(p.key);
  if (node === null || sids === null) throw new ServiceError('invalid', `no node ${p.key} in the session tree (it changed?)`);
  const numbers = packetsOfSessions(cs, sids, counted.list);
  const row = tree.row(node.level, node.index, false);
  const label = `${row.kind}-${row.label}`.replace(/[^A-Za-z0-9.-]+/g, '_').slice(0, 80);
  const target = outputTarget(p.path, derivedName(cs.path, `-${label}`, p.format), ctx.policy());
  const written = runExport(cs, numbers, target.path, p.format);
  return outputResult(target, written);
}

export function sessionsHandlers(ctx: ViewContext): HandlersOf<keyof typeof sessionsMethods> {
  return {
    'sessions.tree': (p) => {
      const { tree, counted } = stateOf(ctx.current()).treeFor(p);
      const w = tree.window(p.expanded, p.sort, p.start, p.count);
      return { ...w, complete: counted.complete };
    },
    'sessions.export': (p) => exportNode(ctx, p),
  };
}
