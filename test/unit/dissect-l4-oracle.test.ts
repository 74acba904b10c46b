/**
 * TCP/UDP/ICMP/ICMPv6 decoders against the tshark oracle: every fixture packet that is plain (unfragmented)
 * IPv4/IPv6 is located with the test-only walker, its transport bytes are fed to the decoder directly, and
 * ports, flags, lengths, relative seq/ack (via a Wireshark-like FlowHooks stub), stream indexes, ICMP types
 * and the Info text are compared with test/fixtures/oracle/<name>.fields.tsv.
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../main/engine/dissect/protocols/tcp';
import '../../main/engine/dissect/protocols/udp';
import '../../main/engine/dissect/protocols/icmp';
import '../../main/engine/dissect/protocols/icmpv6';
import { Dissection, MODE_SUMMARY, MODE_TREE } from '../../main/engine/dissect/dissection';
import { ipProtoTable, linkTypeTable } from '../../main/engine/dissect/tables';
import { dissectFrame } from '../../main/engine/dissect/frame';
import { FlowStub, locateL4, readCapture, readOracle } from './helpers/l4-pcap-lite';

const ROOT = join(__dirname, '..', 'fixtures');
const CAPTURES = join(ROOT, 'captures');
const ORACLE = join(ROOT, 'oracle');
const L4 = new Set([1, 6, 17, 58]);
const PLAIN = new Set(['TCP', 'UDP', 'ICMP', 'ICMPv6']);
/**
 * Whole-frame packets that fail below the transport layer (reported to the link/IP owner): the IPv6 decoder
 * flags this Destination Options + Mobility chain malformed before reaching UDP.
 */
const KNOWN_BELOW_L4 = new Set(['ipv6-dstopts-mobility__zeek__ipv6-mobility-dst-opts.pcap#3']);

/** tshark's Info with leading tcp.analysis brackets ("[TCP Retransmission] ") removed. */
function stripAnalysis(info: string): string {
  let s = info;
  while (s.startsWith('[')) {
    const close = s.indexOf('] ');
    if (close < 0) break;
    s = s.slice(close + 2);
  }
  return s;
}

/** Also drops request/response matching, which needs state this layer does not keep. */
function stripMatching(info: string): string {
  return info.replace(/ \((request|reply) in \d+\)$/, '').replace(/ \(no response found!\)$/, '');
}

interface Tally {
  packets: number;
  fieldChecks: number;
  fieldMismatches: string[];
  infoComparable: number;
  infoExact: number;
  infoNormalized: number;
  infoMismatches: string[];
}

function runFile(name: string, t: Tally, mode: number, fullFrame = false): void {
  const oracle = readOracle(join(ORACLE, `${name}.fields.tsv`));
  const packets = readCapture(join(CAPTURES, name));
  const hooks = new FlowStub();
  const d = new Dissection();
  d.hooks = hooks;
  const streamMap = new Map<string, string>();
  for (const pkt of packets) {
    const row = oracle.get(pkt.number);
    if (!row) continue;
    const loc = locateL4(pkt);
    if (!loc || loc.fragment || !L4.has(loc.proto)) continue;
    if (fullFrame && KNOWN_BELOW_L4.has(`${name}#${pkt.number}`)) continue;
    d.reset(pkt.data, mode);
    d.frame.number = pkt.number;
    d.frame.caplen = pkt.caplen;
    d.frame.len = pkt.len;
    d.frame.linkType = pkt.linkType;
    if (fullFrame) {
      // The link and IP decoders find the transport header themselves.
      dissectFrame(d);
    } else {
      d.netType = loc.netType;
      d.netSrc.set(loc.src);
      d.netDst.set(loc.dst);
      if (loc.src.length === 16) d.ipv6HdrSrc.set(loc.src);
      d.ipProto = loc.proto;
      ipProtoTable.get(loc.proto)?.(d, loc.off, loc.end);
    }
    t.packets++;
    const where = `${name}#${pkt.number}`;
    const check = (field: string, got: string | number): void => {
      const want = row[field] ?? '';
      if (want === '' || want.includes(',')) return; // absent or several layers (tunnels, ICMP quotes)
      t.fieldChecks++;
      if (String(got) !== want) t.fieldMismatches.push(`${where} ${field}: got ${got}, tshark ${want}`);
    };
    // The stub numbers only the packets it sees (no fragments), so stream ids may be shifted against
    // tshark's; what must hold is a one-to-one mapping between the two numberings.
    const stream = (field: string, got: number): void => {
      const want = row[field] ?? '';
      if (want === '' || want.includes(',')) return;
      t.fieldChecks++;
      const key = `${field}:${got}`;
      const back = `${field}<-${want}`;
      const a = streamMap.get(key);
      const b = streamMap.get(back);
      if ((a !== undefined && a !== want) || (b !== undefined && b !== String(got))) {
        t.fieldMismatches.push(`${where} ${field}: got ${got} (seen as ${a ?? '-'}), tshark ${want}`);
      }
      streamMap.set(key, want);
      streamMap.set(back, String(got));
    };
    const proto = row['_ws.col.Protocol'] ?? '';
    const quoted = proto === 'ICMP' || proto === 'ICMPv6';
    if (loc.proto === 6 && !quoted) {
      check('tcp.srcport', d.sport);
      check('tcp.dstport', d.dport);
      check('tcp.len', d.tcpPayloadLen);
      stream('tcp.stream', d.sessionId);
      check('tcp.seq', (d.tcpSeq - d.tcpSeqBase) >>> 0);
      if (d.tcpFlags & 0x10) check('tcp.ack', (d.tcpAck - d.tcpAckBase) >>> 0);
      const flagStr = row['tcp.flags.str'] ?? '';
      if (flagStr) {
        t.fieldChecks++;
        let s = '';
        for (let i = 11; i >= 0; i--) s += d.tcpFlags & (1 << i) ? 'RRRNCEUAPRSF'[11 - i] : '\u00b7';
        if (s !== flagStr) t.fieldMismatches.push(`${where} tcp.flags.str: got ${s}, tshark ${flagStr}`);
      }
    } else if (loc.proto === 17 && !quoted) {
      check('udp.srcport', d.sport);
      check('udp.dstport', d.dport);
      // In these files tshark splits RTP/T.38 conversations announced by SDP into their own streams (one per
      // direction), which shifts every later udp.stream number; our sessions stay bidirectional 5-tuples.
      if (!name.startsWith('sip-udp-invite-t38-rtp') && !name.startsWith('sipp-')) stream('udp.stream', d.sessionId);
    } else if (loc.proto === 1) {
      check('icmp.type', d.icmpType);
    } else if (loc.proto === 58) {
      check('icmpv6.type', d.icmpType);
    }
    const info = row['_ws.col.Info'] ?? '';
    // Rows whose Info an application dissector wrote (over reassembled segments) are not TCP's text.
    if (PLAIN.has(proto) && !info.includes('[TCP segment of a reassembled PDU]')) {
      t.infoComparable++;
      const want = stripAnalysis(info);
      if (d.info === want) t.infoExact++;
      if (d.info === stripMatching(want)) t.infoNormalized++;
      else t.infoMismatches.push(`${where}\n  got:    ${d.info}\n  tshark: ${want}`);
    }
  }
}

const files = readdirSync(CAPTURES).filter((f) => existsSync(join(ORACLE, `${f}.fields.tsv`)));

describe('transport decoders vs the tshark oracle', () => {
  const runs: [number, boolean][] = [
    [MODE_SUMMARY, false],
    [MODE_TREE, false],
    [MODE_SUMMARY, true],
    [MODE_TREE, true],
  ];
  for (const [mode, fullFrame] of runs) {
    const label = `${mode === MODE_TREE ? 'tree' : 'summary'} mode, ${fullFrame ? 'whole frames via dissectFrame' : 'transport bytes fed directly'}`;
    // Whole frames need the link/IP decoders, written by another engineer; skipped until they register.
    it.skipIf(fullFrame && !linkTypeTable.has(1))(`fields and Info match tshark (${label})`, () => {
      const t: Tally = {
        packets: 0,
        fieldChecks: 0,
        fieldMismatches: [],
        infoComparable: 0,
        infoExact: 0,
        infoNormalized: 0,
        infoMismatches: [],
      };
      for (const f of files) runFile(f, t, mode, fullFrame);
      // The summary line is the figure the report quotes.
      console.log(
        `[l4 oracle, ${label}] ${files.length} files, ${t.packets} transport packets, ${t.fieldChecks} field checks, ` +
          `${t.fieldMismatches.length} field mismatches; Info: ${t.infoExact}/${t.infoComparable} exact, ` +
          `${t.infoNormalized}/${t.infoComparable} ignoring "(request/reply in N)"`,
      );
      if (t.fieldMismatches.length) console.log(t.fieldMismatches.slice(0, 200).join('\n'));
      if (t.infoMismatches.length) console.log(t.infoMismatches.slice(0, 30).join('\n'));
      expect(t.packets).toBeGreaterThan(3000);
      expect(t.fieldMismatches).toEqual([]);
      expect(t.infoNormalized).toBe(t.infoComparable);
    });
  }
});
