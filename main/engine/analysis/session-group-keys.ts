/**
 * Grouping keys per mode: the first pass of building a group level. For each session it says which group(s)
 * the session adds to and from which side its packets count there (a "contribution"):
 *  - host: both endpoints (a session between two hosts counts for each, out = what that host sent); under a
 *    country only the endpoints in that country;
 *  - peer (under a host): the other endpoint, counted from the host's side;
 *  - country: both endpoints' countries, once when they are the same;
 *  - app / protocol: the session's application id or IP protocol, counted from the A side (the initiator).
 *
 * One loop per mode (no per-session switch or closure: this pass runs over every session of the capture when
 * the root level is built). session-tree-build.ts turns the contributions into groups.
 */
import type { SessionTable } from '../sessions/session-table';
import type { SessionLabels } from './session-labels';
import { P_A, P_B, P_BOTH } from './session-tree-level';
import type { RowKind } from './session-tree-types';

/** How a level groups its sessions: a root grouping, or 'peer' (the level under a host root). */
export type Mode = 'host' | 'peer' | 'app' | 'country' | 'protocol';

/** Contribution j adds session who[j] to the group keyed key[j], its packets counted from per[j]; m in all. */
export interface Contributions {
  readonly key: Int32Array;
  readonly per: Uint8Array;
  readonly who: Int32Array;
  readonly m: number;
}

/**
 * The contributions of `sids` to a level grouped by `mode`. `ctx` is the parent node's id (the host of a peer
 * level, the country of a country→host level); `parentKind` says which.
 */
export function groupKeys(mode: Mode, sids: Int32Array, s: SessionTable, L: SessionLabels, ctx: number, parentKind: RowKind | null): Contributions {
  const n = sids.length;
  // At most two contributions per session (host and country levels: one per endpoint).
  const key = new Int32Array(2 * n);
  const per = new Uint8Array(2 * n);
  const who = new Int32Array(2 * n);
  let m: number;
  if (mode === 'host') {
    // Under a country, a host level lists only the endpoints in that country.
    const inCountry = parentKind === 'country' ? ctx : -1;
    m = hostKeys(sids, s, L, inCountry, key, per, who);
  } else if (mode === 'peer') m = peerKeys(sids, s, ctx, key, per, who);
  else if (mode === 'country') m = countryKeys(sids, s, L, key, per, who);
  else m = attributeKeys(mode, sids, s, L, key, per, who);
  return { key, per, who, m };
}

/** Host level: each endpoint (in `inCountry`, when >= 0) from its side; a session with itself counts once. */
function hostKeys(sids: Int32Array, s: SessionTable, L: SessionLabels, inCountry: number, key: Int32Array, per: Uint8Array, who: Int32Array): number {
  const epA = s.epA;
  const epB = s.epB;
  const n = sids.length;
  let m = 0;
  for (let j = 0; j < n; j++) {
    const sid = sids[j]!;
    const a = epA[sid]!;
    const b = epB[sid]!;
    if (a === b) {
      key[m] = a;
      per[m] = P_BOTH;
      who[m++] = sid;
      continue;
    }
    if (inCountry < 0 || L.countryOf(a) === inCountry) {
      key[m] = a;
      per[m] = P_A;
      who[m++] = sid;
    }
    if (inCountry < 0 || L.countryOf(b) === inCountry) {
      key[m] = b;
      per[m] = P_B;
      who[m++] = sid;
    }
  }
  return m;
}

/** Peer level under host `ctx`: the other endpoint, counted from the host's side. */
function peerKeys(sids: Int32Array, s: SessionTable, ctx: number, key: Int32Array, per: Uint8Array, who: Int32Array): number {
  const epA = s.epA;
  const epB = s.epB;
  const n = sids.length;
  let m = 0;
  for (let j = 0; j < n; j++) {
    const sid = sids[j]!;
    const a = epA[sid]!;
    const b = epB[sid]!;
    key[m] = a === ctx ? b : a;
    per[m] = a === ctx ? (b === ctx ? P_BOTH : P_A) : P_B;
    who[m++] = sid;
  }
  return m;
}

/** Country level: each endpoint's country from its side, or one contribution for both when they agree. */
function countryKeys(sids: Int32Array, s: SessionTable, L: SessionLabels, key: Int32Array, per: Uint8Array, who: Int32Array): number {
  const epA = s.epA;
  const epB = s.epB;
  const n = sids.length;
  let m = 0;
  for (let j = 0; j < n; j++) {
    const sid = sids[j]!;
    const ca = L.countryOf(epA[sid]!);
    const cb = L.countryOf(epB[sid]!);
    key[m] = ca;
    per[m] = ca === cb ? P_BOTH : P_A;
    who[m++] = sid;
    if (ca !== cb) {
      key[m] = cb;
      per[m] = P_B;
      who[m++] = sid;
    }
  }
  return m;
}

/** Application or protocol level: one contribution per session, from its A side. */
function attributeKeys(mode: Mode, sids: Int32Array, s: SessionTable, L: SessionLabels, key: Int32Array, per: Uint8Array, who: Int32Array): number {
  const proto = s.proto;
  const n = sids.length;
  let m = 0;
  for (let j = 0; j < n; j++) {
    const sid = sids[j]!;
    key[m] = mode === 'app' ? L.appOf(sid) : proto[sid]!;
    per[m] = P_A;
    who[m++] = sid;
  }
  return m;
}
