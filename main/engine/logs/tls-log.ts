/**
 * A Zeek ssl.log-like TLS log: one record per session that carried a TLS handshake, over TCP or inside QUIC
 * (same handshake messages, CRYPTO frames instead of records). What the client offered comes from its
 * ClientHello (SNI, ALPN list, version, JA3, JA4), what was agreed from the ServerHello (version, cipher,
 * selected ALPN, JA3S), and the server's leaf certificate when it went in clear (TLS ≤ 1.2).
 * `established` means a ServerHello was seen: the handshake itself is encrypted from there on in TLS 1.3,
 * so its Finished messages cannot be told apart from other traffic.
 *
 * Packets are re-dissected in capture order through a replay view (replay-view.ts explains why), and a
 * session stops being read once its handshake facts are complete, so long transfers cost nothing.
 */
import type { TreeNode } from '../dissect/tree';
import type { Evidence, LogRecord, LogTable } from './record';
import { LogSource, sessionUid, type ConnId } from './log-source';
import { findNodes, fieldValues, firstValue, num, str, strings } from './tree-fields';
import { zeekCipherName, zeekVersionName } from './tls-names';
import { isGrease } from '../dissect/protocols/tls-names';

/** The fields this log reads (LogSource.tree): the TLS subtree and the certificates' X.509 fields in it. */
const TLS_FAMILIES = ['tls', 'x509af', 'x509sat', 'x509ce'];

export const TLS_COLUMNS = [
  'ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'version', 'cipher', 'server_name',
  'next_protocol', 'established', 'client_version', 'client_alpn', 'ja3', 'ja3s', 'ja4', 'subject', 'issuer',
  'not_valid_before', 'not_valid_after',
] as const;

export interface TlsRecord extends LogRecord, ConnId {
  /** Time of the ClientHello (of the first TLS packet when the capture missed it). */
  ts: string;
  uid: string | null;
  /** "tcp", or "udp" for QUIC. */
  proto: string | null;
  /** Negotiated version ("TLSv12"): the ServerHello's supported_versions, else its legacy version. */
  version: string | null;
  cipher: string | null;
  server_name: string | null;
  /** The ALPN protocol the server selected. */
  next_protocol: string | null;
  established: boolean;
  /** Highest version the client offered. */
  client_version: string | null;
  /** ALPN protocols the client offered, in its order. */
  client_alpn: string[];
  ja3: string | null;
  ja3s: string | null;
  ja4: string | null;
  /** The server's (first) certificate. */
  subject: string | null;
  issuer: string | null;
  not_valid_before: string | null;
  not_valid_after: string | null;
}

const PROTOCOLS = ['SSL', 'SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3', 'QUIC'];
/** Packets of one session read without the handshake making progress before it is given up on. */
const PATIENCE = 64;

interface State {
  rec: TlsRecord;
  ev: Evidence;
  client: boolean;
  server: boolean;
  cert: boolean;
  appData: boolean;
  quic: boolean;
  idle: number;
  done: boolean;
}

export function buildTlsLog(source: LogSource): LogTable<TlsRecord> {
  const bySession = new Map<number, State>();
  const order: State[] = [];
  // Sessions read so far without any handshake message (mid-stream captures): given up on after PATIENCE.
  const bare = new Map<number, number>();
  for (const i of source.packetsOf(PROTOCOLS)) {
    const sid = source.session(i);
    if (sid < 0) continue;
    let st = bySession.get(sid);
    if (st !== undefined && st.done) continue;
    if (st === undefined && (bare.get(sid) ?? 0) >= PATIENCE) continue;
    const tree = source.tree(i, TLS_FAMILIES);
    const handshakes = findNodes(tree, 'tls.handshake');
    if (st === undefined) {
      // Sessions are logged only from their first handshake message: encrypted traffic alone says too little.
      if (handshakes.length === 0) {
        bare.set(sid, (bare.get(sid) ?? 0) + 1);
        continue;
      }
      st = newState(source, i, sid);
      bySession.set(sid, st);
      order.push(st);
    }
    let progress = false;
    for (const h of handshakes) {
      const type = num(firstValue(h, 'tls.handshake.type'));
      if (type === 1 && !st.client) {
        clientHello(st.rec, h);
        // The ClientHello's sender is the client, whichever side the session table calls A.
        st.rec.ts = source.ts(i);
        Object.assign(st.rec, source.conn(i));
        st.client = progress = true;
      } else if (type === 2 && !st.server) {
        serverHello(st.rec, h);
        st.server = st.rec.established = progress = true;
      } else if (type === 11 && !st.cert) {
        st.cert = certificate(st.rec, h);
        progress ||= st.cert;
      }
    }
    if (findNodes(tree, 'tls.app_data').length > 0) st.appData = true;
    if (progress) st.ev.frames.push(i + 1);
    st.idle = progress ? 0 : st.idle + 1;
    st.done = complete(st) || st.idle >= PATIENCE;
  }
  return { name: 'tls', columns: TLS_COLUMNS, records: order.map((s) => s.rec), evidence: order.map((s) => s.ev) };
}

function newState(source: LogSource, i: number, sid: number): State {
  const rec: TlsRecord = {
    ts: source.ts(i),
    uid: sessionUid(sid),
    ...source.conn(i),
    proto: source.transport(i),
    version: null,
    cipher: null,
    server_name: null,
    next_protocol: null,
    established: false,
    client_version: null,
    client_alpn: [],
    ja3: null,
    ja3s: null,
    ja4: null,
    subject: null,
    issuer: null,
    not_valid_before: null,
    not_valid_after: null,
  };
  const quic = rec.proto === 'udp';
  return { rec, ev: { frames: [], sessions: [sid] }, client: false, server: false, cert: false, appData: false, quic, idle: 0, done: false };
}

/**
 * Nothing more to learn: QUIC's certificate travels in encrypted Handshake packets, TLS 1.3's in encrypted
 * records; a TLS ≤ 1.2 certificate comes before the first Application Data.
 */
function complete(st: State): boolean {
  if (!st.client || !st.server) return false;
  if (st.quic || st.cert) return true;
  return st.rec.version === 'TLSv13' || st.appData;
}

function clientHello(rec: TlsRecord, h: TreeNode): void {
  rec.server_name = str(firstValue(h, 'tls.handshake.extensions_server_name'));
  rec.client_alpn = strings(h, 'tls.handshake.extensions_alpn_str');
  rec.ja3 = str(firstValue(h, 'tls.handshake.ja3'));
  rec.ja4 = str(firstValue(h, 'tls.handshake.ja4'));
  const offered = versions(h).filter((v) => !isGrease(v));
  const legacy = num(firstValue(h, 'tls.handshake.version'));
  const best = offered.length > 0 ? Math.max(...offered) : legacy;
  rec.client_version = best !== null ? zeekVersionName(best) : null;
}

function serverHello(rec: TlsRecord, h: TreeNode): void {
  const chosen = versions(h)[0] ?? num(firstValue(h, 'tls.handshake.version'));
  rec.version = chosen !== null && chosen !== undefined ? zeekVersionName(chosen) : null;
  const cipher = num(firstValue(h, 'tls.handshake.ciphersuite'));
  rec.cipher = cipher !== null ? zeekCipherName(cipher) : null;
  rec.next_protocol = str(firstValue(h, 'tls.handshake.extensions_alpn_str'));
  rec.ja3s = str(firstValue(h, 'tls.handshake.ja3s'));
}

/** The first certificate of the chain is the server's own. Returns whether one was read. */
function certificate(rec: TlsRecord, h: TreeNode): boolean {
  const leaf = findNodes(h.children, 'tls.handshake.certificate')[0];
  if (leaf === undefined) return false;
  rec.subject = str(firstValue(leaf, 'x509af.subject'));
  rec.issuer = str(firstValue(leaf, 'x509af.issuer'));
  rec.not_valid_before = str(firstValue(leaf, 'x509af.notBefore'));
  rec.not_valid_after = str(firstValue(leaf, 'x509af.notAfter'));
  return true;
}

function versions(h: TreeNode): number[] {
  const out: number[] = [];
  for (const v of fieldValues(h, 'tls.handshake.extensions.supported_version')) if (typeof v === 'number') out.push(v);
  return out;
}
