/**
 * Building the session tree's levels: which level comes under which node (the hierarchy per grouping), and a
 * group level built in one pass over its parent's member sessions — their contributions (session-group-keys.ts)
 * turned into dense local group indices, the member sessions laid out per group (CSR), and per group the
 * session count, packets and bytes per direction, first/last time and first packet.
 *
 * Levels are built on demand (the root, then the children of nodes that are expanded or resolved) and kept on
 * their parent, so each is built once per tree.
 *
 * Directions: a host (or peer, or country) row counts "out" as what the host sent and "in" as what it received;
 * an application, protocol or session row counts "out" from the session's A side (the initiator) to its B side.
 */
import { groupKeys, type Mode } from './session-group-keys';
import { Level, P_A, P_B, SEG } from './session-tree-level';
import type { GroupBy, RowKind, TreeInput } from './session-tree-types';

export class LevelBuilder {
  /** Scratch: group key → local index while a level is built (-1: not seen); reset after each build. */
  private slot = new Int32Array(1024).fill(-1);

  constructor(private readonly t: TreeInput) {}

  /**
   * The roots for `groupBy` over `sids`. The hierarchies: host → peer → session, app → host → session,
   * country → host → session, protocol → session.
   */
  root(groupBy: GroupBy, sids: Int32Array): Level {
    const rootKind: RowKind = groupBy === 'host' ? 'host' : groupBy === 'app' ? 'app' : groupBy === 'country' ? 'country' : 'protocol';
    return this.groups(rootKind, groupBy, sids, 0, '', -1, null);
  }

  /** The children of node `i` of `level` (built on first use, then kept on the level). */
  child(level: Level, i: number): Level {
    let c = level.children.get(i);
    if (c !== undefined) return c;
    const id = level.ids[i]!;
    const prefix = `${level.prefix}${SEG[level.kind]}${id}/`;
    const members = level.membersOf(i);
    const d = level.depth + 1;
    switch (level.kind) {
      case 'host':
        c = level.depth === 0 ? this.groups('peer', 'peer', members, d, prefix, id, 'host') : this.sessionLevel(members, d, prefix, 'host', id);
        break;
      case 'peer':
        c = this.sessionLevel(members, d, prefix, 'peer', level.ctx);
        break;
      case 'app':
        c = this.groups('host', 'host', members, d, prefix, id, 'app');
        break;
      case 'country':
        c = this.groups('host', 'host', members, d, prefix, id, 'country');
        break;
      default:
        c = this.sessionLevel(members, d, prefix, level.kind, id);
    }
    level.children.set(i, c);
    return c;
  }

  private sessionLevel(sids: Int32Array, depth: number, prefix: string, parentKind: RowKind, ctx: number): Level {
    return new Level('session', depth, prefix, Int32Array.from(sids), ctx, parentKind);
  }

  /**
   * Groups `sids` into a level: each session adds to one group, or to two (a host level: both endpoints; a
   * country level: both endpoints' countries when they differ), with the perspective its packets count from.
   */
  private groups(kind: RowKind, mode: Mode, sids: Int32Array, depth: number, prefix: string, ctx: number, parentKind: RowKind | null): Level {
    const t = this.t;
    const c = t.counts;
    // Pass 1: each contribution's group key and perspective.
    const { key, per, who, m } = groupKeys(mode, sids, t.sessions, t.labels, ctx, parentKind);
    // Group keys → local indices, in first-seen order.
    let maxKey = 0;
    for (let j = 0; j < m; j++) if (key[j]! > maxKey) maxKey = key[j]!;
    if (maxKey >= this.slot.length) {
      this.slot = new Int32Array(Math.max(maxKey + 1, this.slot.length * 2)).fill(-1);
    }
    const slot = this.slot;
    const ids: number[] = [];
    const local = new Int32Array(m);
    for (let j = 0; j < m; j++) {
      const k = key[j]!;
      let g = slot[k]!;
      if (g < 0) {
        g = ids.push(k) - 1;
        slot[k] = g;
      }
      local[j] = g;
    }
    for (const k of ids) slot[k] = -1;
    const level = new Level(kind, depth, prefix, Int32Array.from(ids), ctx, parentKind);
    const G = ids.length;
    const start = new Int32Array(G + 1);
    for (let j = 0; j < m; j++) start[local[j]! + 1]!++;
    for (let g = 0; g < G; g++) start[g + 1]! += start[g]!;
    const fill = start.slice(0, G);
    const members = new Int32Array(m);
    const persp = new Uint8Array(m);
    const sessions = new Float64Array(G);
    const packets = new Float64Array(G);
    const bytes = new Float64Array(G);
    const pktsOut = new Float64Array(G);
    const bytesOut = new Float64Array(G);
    const pktsIn = new Float64Array(G);
    const bytesIn = new Float64Array(G);
    const tFirst = new Float64Array(G).fill(Infinity);
    const tLast = new Float64Array(G).fill(-Infinity);
    const firstPacket = new Float64Array(G).fill(Infinity);
    const oS = t.originSec;
    const oN = t.originNsec;
    const cPAB = c.pktsAB;
    const cPBA = c.pktsBA;
    const cBAB = c.bytesAB;
    const cBBA = c.bytesBA;
    const cFS = c.firstSec;
    const cFN = c.firstNsec;
    const cLS = c.lastSec;
    const cLN = c.lastNsec;
    const cFP = c.firstPacket;
    // Pass 2: each contribution into its group's members and sums.
    for (let j = 0; j < m; j++) {
      const g = local[j]!;
      const sid = who[j]!;
      const p = per[j]!;
      const slotAt = fill[g]!++;
      members[slotAt] = sid;
      persp[slotAt] = p;
      const pab = cPAB[sid]!;
      const pba = cPBA[sid]!;
      const bab = cBAB[sid]!;
      const bba = cBBA[sid]!;
      sessions[g]!++;
      packets[g]! += pab + pba;
      bytes[g]! += bab + bba;
      if (p === P_A) {
        pktsOut[g]! += pab;
        bytesOut[g]! += bab;
        pktsIn[g]! += pba;
        bytesIn[g]! += bba;
      } else if (p === P_B) {
        pktsOut[g]! += pba;
        bytesOut[g]! += bba;
        pktsIn[g]! += pab;
        bytesIn[g]! += bab;
      } else {
        pktsOut[g]! += pab + pba;
        bytesOut[g]! += bab + bba;
        pktsIn[g]! += pab + pba;
        bytesIn[g]! += bab + bba;
      }
      const f = cFS[sid]! - oS + (cFN[sid]! - oN) / 1e9;
      const l = cLS[sid]! - oS + (cLN[sid]! - oN) / 1e9;
      if (f < tFirst[g]!) tFirst[g] = f;
      if (l > tLast[g]!) tLast[g] = l;
      const fp = cFP[sid]!;
      if (fp < firstPacket[g]!) firstPacket[g] = fp;
    }
    Object.assign(level, { start, members, persp, sessions, packets, bytes, pktsOut, bytesOut, pktsIn, bytesIn, tFirst, tLast, firstPacket });
    return level;
  }
}
