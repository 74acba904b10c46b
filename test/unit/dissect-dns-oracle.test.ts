/**
 * Application decoders (DNS, mDNS, LLMNR, HTTP, DHCP/BOOTP, NTP) against tshark 4.0: whole frames from the
 * fixtures go through dissectFrame like the engine does — an index pass first (MODE_INDEX, with the
 * engine-side matching state in d.appState), then each packet again in SUMMARY and TREE mode — and Protocol,
 * Info and the fields below are compared per packet with test/fixtures/oracle/app/<capture>.tsv (made with
 * the tshark command in the file's header comment; see KNOWN_PENDING for packets that cannot match yet).
 *
 *   tshark -n -r F -T fields -E header=y -E occurrence=a -E aggregator=, -e frame.number -e _ws.col.Protocol
 *     -e _ws.col.Info -e dns.id … -e ntp.stratum   (the columns of each .tsv header)
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dissectFrame } from '../../main/engine/dissect/frame';
import { Dissection, MODE_INDEX, MODE_SUMMARY, MODE_TREE } from '../../main/engine/dissect/dissection';
import { IpDefragmenter } from '../../main/engine/dissect/protocols/defrag';
import { createAppState } from '../../main/engine/dissect/protocols/dns-transactions';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { readCapture, type LiteFrame } from './helpers/pcap-lite';
import { FlowStub, readOracle } from './helpers/l4-pcap-lite';

const ROOT = join(__dirname, '..', 'fixtures');
const ORACLE = join(ROOT, 'oracle', 'app');

/** Protocol column values that our application decoders produce. */
const APP = new Set(['DNS', 'MDNS', 'LLMNR', 'HTTP', 'HTTP/XML', 'HTTP/JSON', 'DHCP', 'BOOTP', 'NTP']);

/**
 * Packets whose tshark row needs TCP reassembly (a message spread over several segments), which the stream
 * layer is still being finished: until it lands these frames show TCP here. Key: "capture#frame".
 */
export const KNOWN_PENDING: Record<string, string> = {};

/** Packets where we differ from tshark on purpose or below the application layer (not ours to fix here). */
export const KNOWN_DIVERGENT: Record<string, string> = {
  // Forward compression pointers are refused outright ("pointers must point backwards"); tshark follows them
  // until the name exceeds 255 characters and says "<Name too long>" instead.
  'dns_fwdptr.pcap#1': 'forward name pointers are rejected as loops, tshark reports <Name too long>',
  // The pcap header's link type carries the FCS-length flag bit (0x04000000); the test reader (and the link
  // layer) do not strip it yet, so the frame never reaches UDP.
  'bootp_asan.pcap#1': 'pcap link type with FCS flag bits is not understood below the application layer',
};

/**
 * Frames where tshark dissected a message reassembled from several TCP segments (from <capture>.reasm.tsv,
 * tshark's tcp.segment list): pending until the stream layer's reassembly lands.
 */
function reassembled(name: string): Map<number, string> {
  const out = new Map<number, string>();
  const path = join(ORACLE, `${name}.reasm.tsv`);
  if (!existsSync(path)) return out;
  for (const [frame, row] of readOracle(path)) {
    const segs = row['tcp.segment'] ?? '';
    if (segs.includes(',')) out.set(frame, `message spans TCP segments ${segs}: needs stream reassembly`);
  }
  return out;
}

/** Fields compared in TREE mode (values of every occurrence, in order, joined with ","). */
const TREE_FIELDS = [
  'dns.id', 'dns.flags.response', 'dns.flags.opcode', 'dns.flags.rcode', 'dns.count.queries', 'dns.count.answers',
  'dns.count.auth_rr', 'dns.count.add_rr', 'dns.qry.name', 'dns.qry.type', 'dns.a', 'dns.aaaa', 'dns.cname',
  'dns.ns', 'dns.ptr.domain_name', 'dns.mx.mail_exchange', 'dns.txt', 'dns.srv.target', 'dns.srv.port',
  'dns.soa.mname', 'dns.resp.ttl', 'dns.rr.udp_payload_size', 'dns.svcb.svcparam.alpn',
  'dns.svcb.svcparam.ipv4hint.ip', 'dns.response_to', 'dns.time',
  'http.request.method', 'http.request.uri', 'http.request.version', 'http.host', 'http.user_agent',
  'http.response.code', 'http.response.phrase', 'http.content_type', 'http.content_length', 'http.server',
  'http.location', 'http.transfer_encoding', 'http.request_in', 'http.time',
  'dhcp.option.dhcp', 'dhcp.id', 'dhcp.option.hostname', 'dhcp.option.requested_ip_address', 'dhcp.ip.your',
  'ntp.flags.vn', 'ntp.flags.mode', 'ntp.stratum',
];

function sourceOf(name: string): string {
  const c = join(ROOT, 'captures', name);
  return existsSync(c) ? c : join(ROOT, 'tcpdump', name);
}

function collect(nodes: TreeNode[] | null, out: Map<string, string[]>): void {
  if (nodes === null) return;
  for (const n of nodes) {
    let list = out.get(n.field.name);
    if (list === undefined) out.set(n.field.name, (list = []));
    list.push(fmt(n));
    collect(n.children, out);
  }
}

function fmt(n: TreeNode): string {
  const v = n.value;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' && n.field.base === 'hex') return `0x${v.toString(16).padStart(n.field.name === 'dns.id' ? 4 : n.field.name === 'dhcp.id' ? 8 : 2, '0')}`;
  if (typeof v === 'number' && n.field.type === 'reltime') return v.toFixed(9);
  return String(v);
}

export interface AppTally {
  rows: number;
  protoOk: number;
  infoOk: number;
  fieldChecks: number;
  fieldOk: number;
  pending: number;
  divergent: number;
  shifted: number;
  pendingList: string[];
  mismatches: string[];
}

function prime(d: Dissection, f: LiteFrame, mode: number): void {
  d.reset(f.data, mode);
  const m = d.frame;
  m.number = f.meta.number;
  m.tsSec = f.meta.tsSec;
  m.tsNsec = f.meta.tsNsec;
  m.caplen = f.meta.caplen;
  m.len = f.meta.len;
  m.linkType = f.meta.linkType;
}

/** tshark marks the end of a dissection that ran out of bytes; we compare the text before it too. */
function stripMarks(s: string): string {
  return s.replace(/\[(Malformed Packet|Packet size limited during capture)\]$/, '');
}

export function runApp(name: string, t: AppTally): void {
  const oracle = readOracle(join(ORACLE, `${name}.tsv`));
  const pending = reassembled(name);
  let firstPending = Infinity;
  for (const k of pending.keys()) firstPending = Math.min(firstPending, k);
  const frames = readCapture(sourceOf(name)).filter((f) => f.packet);
  const appState = createAppState();
  // Index pass: in order, MODE_INDEX, learning the request/response matches.
  const d = new Dissection();
  d.hooks = new FlowStub();
  d.defrag = new IpDefragmenter({ clock: () => d.frame.tsSec });
  d.appState = appState;
  for (const f of frames) {
    prime(d, f, MODE_INDEX);
    dissectFrame(d);
  }
  // Display pass: like the engine's re-dissection, with the learnt state and fresh per-flow state.
  for (const mode of [MODE_SUMMARY, MODE_TREE]) {
    const r = new Dissection();
    r.hooks = new FlowStub();
    r.defrag = new IpDefragmenter({ clock: () => r.frame.tsSec });
    r.appState = appState;
    for (const f of frames) {
      prime(r, f, mode);
      dissectFrame(r);
      const row = oracle.get(f.meta.number);
      if (!row) continue;
      const proto = row['_ws.col.Protocol'] ?? '';
      if (!APP.has(proto)) continue;
      const where = `${name}#${f.meta.number}`;
      if (mode === MODE_SUMMARY) {
        t.rows++;
        if (KNOWN_PENDING[where] !== undefined || pending.has(f.meta.number)) {
          t.pending++;
          t.pendingList.push(`${where}: ${KNOWN_PENDING[where] ?? pending.get(f.meta.number)}`);
          continue;
        }
        if (KNOWN_DIVERGENT[where] !== undefined) {
          t.divergent++;
          continue;
        }
        const gotProto = r.protocolName();
        if (gotProto === proto) t.protoOk++;
        else t.mismatches.push(`${where} protocol: got ${gotProto}, tshark ${proto}`);
        const want = row['_ws.col.Info'] ?? '';
        if (r.info === want || stripMarks(r.info) === stripMarks(want)) t.infoOk++;
        else t.mismatches.push(`${where} info\n  got:    ${r.info}\n  tshark: ${want}`);
        continue;
      }
      if (KNOWN_PENDING[where] !== undefined || pending.has(f.meta.number) || KNOWN_DIVERGENT[where] !== undefined) continue;
      const got = new Map<string, string[]>();
      collect(r.tree, got);
      for (const field of TREE_FIELDS) {
        const want = row[field] ?? '';
        if (want === '') continue;
        t.fieldChecks++;
        const have = (got.get(field) ?? []).join(',');
        // mDNS prints the OPT class (payload size) in hex; the value is the same.
        const same = field.endsWith('.time')
          ? Math.abs(Number(have) - Number(want)) < 2e-6
          : have === want || (want.startsWith('0x') && Number(want) === Number(have));
        // HTTP matching is by order: a response that could not be decoded yet (pending) shifts later pairs.
        const shifted = (field === 'http.request_in' || field === 'http.time') && f.meta.number > firstPending;
        if (same) t.fieldOk++;
        else if (shifted) {
          t.shifted++;
          t.pendingList.push(`${where} ${field}: request/response order shifted by an earlier pending message`);
        }
        else t.mismatches.push(`${where} ${field}: got ${have || '(none)'}, tshark ${want}`);
      }
    }
  }
}

const files = existsSync(ORACLE)
  ? readdirSync(ORACLE)
      .filter((f) => f.endsWith('.tsv') && !f.endsWith('.reasm.tsv'))
      .map((f) => f.slice(0, -4))
  : [];

describe('application decoders vs the tshark oracle', () => {
  it('has oracles', () => {
    expect(files.length).toBeGreaterThan(20);
  });
  const total: AppTally = { rows: 0, protoOk: 0, infoOk: 0, fieldChecks: 0, fieldOk: 0, pending: 0, divergent: 0, shifted: 0, pendingList: [], mismatches: [] };
  for (const name of files) {
    it(name, () => {
      const t: AppTally = { rows: 0, protoOk: 0, infoOk: 0, fieldChecks: 0, fieldOk: 0, pending: 0, divergent: 0, shifted: 0, pendingList: [], mismatches: [] };
      runApp(name, t);
      total.rows += t.rows;
      total.protoOk += t.protoOk;
      total.infoOk += t.infoOk;
      total.fieldChecks += t.fieldChecks;
      total.fieldOk += t.fieldOk;
      total.pending += t.pending;
      total.divergent += t.divergent;
      total.shifted += t.shifted;
      total.mismatches.push(...t.mismatches);
      total.pendingList.push(...t.pendingList);
      if (process.env.APP_ORACLE_VERBOSE) for (const m of t.mismatches.slice(0, 40)) console.log(m);
      expect(t.mismatches).toEqual([]);
    });
  }
  it('summary', () => {
    if (process.env.APP_ORACLE_VERBOSE) console.log(`pending:\n${total.pendingList.join('\n')}`);
    console.log(
      `app oracle: ${total.rows} rows (${total.pending} pending reassembly, ${total.divergent} known divergent), ` +
        `protocol ${total.protoOk}, info ${total.infoOk}, fields ${total.fieldOk}/${total.fieldChecks} ` +
        `(${total.shifted} HTTP matching fields shifted by pending messages)`,
    );
  });
});
