/**
 * What every log builder needs from an indexed capture: the packets of given protocols found from the
 * store's Protocol column (no file reads), their re-dissection in tree mode, and per-packet connection
 * facts (addresses, ports, time, session uid) read from the store.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { PacketAccess } from '../capture/packet-access';
import { epochString } from '../capture/columns';
import { FieldScope, MODE_TREE } from '../dissect/dissection';
import { familyScope } from '../dissect/field-scope';
import { protocolNames } from '../dissect/protocols-registry';
import type { TreeNode } from '../dissect/tree';
import { SF_HAS_PORTS } from '../store/packet-store';
import { replayView } from './replay-view';

/** Zeek's conn_id, from the originator's point of view. */
export interface ConnId {
  'id.orig_h': string;
  'id.orig_p': number;
  'id.resp_h': string;
  'id.resp_p': number;
}

const TRANSPORTS: Record<number, string> = { 6: 'tcp', 17: 'udp', 132: 'sctp' };

/**
 * `uid` is "S" followed by the Wirelens session id: the same number as the `id` column of `wirelens sessions`
 * and the UI's session column, so a log line joins the session table directly. It is stable for a given
 * file and session timeouts (a Zeek uid is random per run, which would make logs impossible to compare).
 */
export function sessionUid(sessionId: number): string | null {
  return sessionId >= 0 ? `S${sessionId}` : null;
}

export class LogSource {
  private readonly access: PacketAccess;
  private readonly scopes = new Map<string, FieldScope>();

  constructor(readonly index: CaptureIndex) {
    this.access = new PacketAccess(replayView(index));
  }

  /**
   * 0-based store indices of the packets whose Protocol column is one of `names` (or satisfies the test), in
   * capture order. Reads only the store: no packet bytes.
   */
  packetsOf(names: readonly string[] | ((name: string) => boolean)): number[] {
    const wanted = typeof names === 'function' ? names : (n: string): boolean => names.includes(n);
    const ids = new Set<number>();
    // Ids are dense from 1; looking them up by name with protocolNames.id() would register unknown names.
    for (let id = 1; protocolNames.name(id) !== ''; id++) if (wanted(protocolNames.name(id))) ids.add(id);
    const store = this.index.store;
    const out: number[] = [];
    if (ids.size === 0) return out;
    for (let i = 0; i < store.count; i++) if (ids.has(store.proto[i] as number)) out.push(i);
    return out;
  }

  /**
   * The detail tree of packet `i`. Call in capture order (see replay-view.ts). With `families` (field name
   * prefixes: `dns`, `x509af` …) the tree holds only those fields, in their usual nesting: a log reads its own
   * protocol's subtree, and the labelled lower layers were most of the cost.
   */
  tree(i: number, families?: readonly string[]): TreeNode[] {
    return this.access.dissect(i, MODE_TREE, families === undefined ? null : this.scopeOf(families)).tree ?? [];
  }

  private scopeOf(families: readonly string[]): FieldScope {
    const key = families.join(' ');
    let scope = this.scopes.get(key);
    if (scope === undefined) {
      scope = familyScope(families);
      this.scopes.set(key, scope);
    }
    return scope;
  }

  /** Connection as the packet's sender being the originator; `reverse` for a response seen without its request. */
  conn(i: number, reverse = false): ConnId {
    const s = this.index.store;
    const ep = this.index.endpoints;
    const ports = ((s.flags[i] as number) & SF_HAS_PORTS) !== 0;
    const src = ep.format(s.srcEp[i] as number);
    const dst = ep.format(s.dstEp[i] as number);
    const sport = ports ? (s.sport[i] as number) : 0;
    const dport = ports ? (s.dport[i] as number) : 0;
    return reverse
      ? { 'id.orig_h': dst, 'id.orig_p': dport, 'id.resp_h': src, 'id.resp_p': sport }
      : { 'id.orig_h': src, 'id.orig_p': sport, 'id.resp_h': dst, 'id.resp_p': dport };
  }

  session(i: number): number {
    return this.index.store.session[i] as number;
  }

  uid(i: number): string | null {
    return sessionUid(this.session(i));
  }

  /** "tcp" / "udp" for the packet's session, null without one. */
  transport(i: number): string | null {
    const sid = this.session(i);
    if (sid < 0) return null;
    const p = this.index.sessions.proto[sid] as number;
    return TRANSPORTS[p] ?? `ip-${p}`;
  }

  /** Epoch time with the capture's full precision, as `list --json` prints it. */
  ts(i: number): string {
    const s = this.index.store;
    return epochString(s.tsSec[i] as number, s.tsNsec[i] as number);
  }

  /** Seconds from packet `a` to packet `b`, exact to the nanosecond. */
  interval(a: number, b: number): number {
    const s = this.index.store;
    const ns = ((s.tsSec[b] as number) - (s.tsSec[a] as number)) * 1e9 + ((s.tsNsec[b] as number) - (s.tsNsec[a] as number));
    return Math.round(ns) / 1e9;
  }
}
