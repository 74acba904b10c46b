/**
 * Values of a group that are not sums and are only needed for the rows shown or a column sorted on: its main
 * application (the one with the most bytes) and number of named applications, its only protocol, and a name
 * its host was reached by. Each is computed on first use and cached on the level (session-tree-level.ts), so
 * building a level stays one pass of sums, and only the groups shown (or a level sorted on such a column) pay
 * for a walk over their members.
 */
import type { Level } from './session-tree-level';
import type { TreeInput } from './session-tree-types';

export class GroupFacts {
  /** Scratch: bytes per app id while finding a group's main app (-1: not touched). */
  private appBytes = new Float64Array(64).fill(-1);

  constructor(private readonly t: TreeInput) {}

  /** The app id with the most bytes in group `i` (0: unclassified only); also fills level.appCount[i]. */
  topApp(level: Level, i: number): number {
    if (level.topApp === null) {
      level.topApp = new Int32Array(level.n).fill(-2);
      level.appCount = new Int32Array(level.n);
    }
    if (level.topApp[i] !== -2) return level.topApp[i]!;
    const c = this.t.counts;
    const L = this.t.labels;
    const members = level.membersOf(i);
    // Bytes per app id in a scratch array (ids are few and dense), plus the list of ids touched.
    const touched: number[] = [];
    for (let j = 0; j < members.length; j++) {
      const sid = members[j]!;
      const app = L.appOf(sid);
      if (app >= this.appBytes.length) {
        const a = new Float64Array(Math.max(app + 1, this.appBytes.length * 2)).fill(-1);
        a.set(this.appBytes);
        this.appBytes = a;
      }
      if (this.appBytes[app]! < 0) {
        this.appBytes[app] = 0;
        touched.push(app);
      }
      this.appBytes[app]! += c.bytesAB[sid]! + c.bytesBA[sid]!;
    }
    let best = 0;
    let bestBytes = -1;
    let named = 0;
    for (const app of touched) {
      const b = this.appBytes[app]!;
      this.appBytes[app] = -1;
      if (app === 0) continue;
      named++;
      // Unclassified sessions do not hide a named application.
      if (b > bestBytes || (b === bestBytes && app < best)) {
        best = app;
        bestBytes = b;
      }
    }
    level.topApp[i] = best;
    level.appCount![i] = named;
    return best;
  }

  /** The protocol every session of group `i` uses, or -1 when they differ. */
  onlyProto(level: Level, i: number): number {
    if (level.onlyProto === null) level.onlyProto = new Int32Array(level.n).fill(-2);
    if (level.onlyProto[i] !== -2) return level.onlyProto[i]!;
    const s = this.t.sessions;
    let p = -2;
    for (const sid of level.membersOf(i)) {
      const q = s.proto[sid]!;
      if (p === -2) p = q;
      else if (p !== q) {
        p = -1;
        break;
      }
    }
    level.onlyProto[i] = p < 0 ? -1 : p;
    return level.onlyProto[i]!;
  }

  /**
   * A name the host was reached by: of the level's sessions with the host as B side carrying an SNI/Host/DNS
   * name, the first. Found for the whole level at once by walking the (few) named sessions, not the members.
   */
  hostName(level: Level, i: number): string {
    const e = this.t.enrichment;
    if (e === null) return '';
    if (level.nameSid === null) {
      const best = new Int32Array(level.n).fill(-1);
      const s = this.t.sessions;
      const member = new Uint8Array(s.count);
      for (let g = 0; g < level.n; g++) {
        const ep = level.ids[g]!;
        for (const sid of level.membersOf(g)) if (s.epB[sid] === ep) member[sid] = 1;
      }
      for (const sid of e.names.keys()) {
        if (sid >= s.count || member[sid] !== 1) continue;
        const g = level.localOf(s.epB[sid]!);
        if (g >= 0 && (best[g]! < 0 || sid < best[g]!)) best[g] = sid;
      }
      level.nameSid = best;
    }
    const sid = level.nameSid[i]!;
    return sid >= 0 ? e.name(sid) : '';
  }
}
