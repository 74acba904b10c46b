/**
 * One level of the session tree (the children of one node, or the roots) and the two small vocabularies every
 * part of the tree shares: the key segment letter per row kind (a node's key is its ancestors' segments joined
 * by '/', e.g. "h12/e40/s9031") and the perspective a session's packets count from in a group.
 *
 * A group level is a handful of typed arrays per group plus its member sessions in one flat array (CSR:
 * members of group i are members[start[i], start[i+1])); session-tree-build.ts fills it. A session level only
 * lists session ids (its numbers are read from the session columns). Sorted orders and lazily derived values
 * are cached on the level, so a level is the unit of caching too.
 */
import type { RowKind } from './session-tree-types';

// How a session's packets count for a group: from its A side, its B side, or both (both endpoints in the group).
export const P_A = 0;
export const P_B = 1;
export const P_BOTH = 2;

/** The letter that starts a node's key segment, per row kind (so a key says which kind each segment names). */
export const SEG: Record<RowKind, string> = { host: 'h', peer: 'e', app: 'a', country: 'c', protocol: 'p', session: 's' };

/** One level of the tree: the children of one node (or the roots). */
export class Level {
  readonly n: number;
  readonly orders = new Map<string, Int32Array>();
  readonly ranks = new Map<string, Int32Array>();
  readonly children = new Map<number, Level>();
  private localIndex: Map<number, number> | null = null;
  // Group levels only (session levels read the session columns).
  start: Int32Array = new Int32Array(1);
  members: Int32Array = new Int32Array(0);
  persp: Uint8Array = new Uint8Array(0);
  sessions = new Float64Array(0);
  packets = new Float64Array(0);
  bytes = new Float64Array(0);
  pktsOut = new Float64Array(0);
  bytesOut = new Float64Array(0);
  pktsIn = new Float64Array(0);
  bytesIn = new Float64Array(0);
  tFirst = new Float64Array(0);
  tLast = new Float64Array(0);
  firstPacket = new Float64Array(0);
  /** Lazily: the app with the most bytes (-2: not computed) and the number of distinct apps. */
  topApp: Int32Array | null = null;
  appCount: Int32Array | null = null;
  /** Lazily: a session whose name names this host (-2: not computed, -1: none). */
  nameSid: Int32Array | null = null;
  /** Lazily: the group's only protocol, -1 when mixed (-2: not computed). */
  onlyProto: Int32Array | null = null;

  constructor(
    readonly kind: RowKind,
    readonly depth: number,
    /** Key of the parent node + '/', or '' for the roots. */
    readonly prefix: string,
    /** Per local index: endpoint id, app id, country id, protocol number or session id. */
    readonly ids: Int32Array,
    /** The parent node's id (host of a peer level, app of an app→host level, country of a country→host level). */
    readonly ctx: number,
    readonly parentKind: RowKind | null,
  ) {
    this.n = ids.length;
  }

  localOf(id: number): number {
    if (this.localIndex === null) {
      this.localIndex = new Map();
      for (let i = 0; i < this.n; i++) this.localIndex.set(this.ids[i]!, i);
    }
    return this.localIndex.get(id) ?? -1;
  }

  membersOf(i: number): Int32Array {
    return this.members.subarray(this.start[i]!, this.start[i + 1]!);
  }
}
