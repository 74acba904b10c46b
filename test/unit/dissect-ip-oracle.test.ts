/**
 * Link and network layers against tshark's output for every fixture capture: addresses, VLAN ids, IP
 * protocol, and the Protocol/Info columns where the packet's highest decoded layer is ours (ARP, IPv4/IPv6
 * fragments). Every pass runs with a defragmenter, as tshark reassembles by default.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dissection, MODE_INDEX, MODE_SUMMARY, MODE_TREE, PF_BAD_CHECKSUM, PF_FRAGMENT, PF_MALFORMED, PF_REASSEMBLED, PF_TRUNCATED } from '../../main/engine/dissect/dissection';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { dissectFrame } from '../../main/engine/dissect/frame';
import { protocolNames } from '../../main/engine/dissect/protocols-registry';
import { IpDefragmenter } from '../../main/engine/dissect/protocols/defrag';
import { formatIPv4, formatIPv6, formatMac } from '../../main/engine/base/addr';
import { readCapture, readOracle, type LiteFrame } from './helpers/pcap-lite';

const CAPTURES = join(__dirname, '../fixtures/captures');
const ORACLE = join(__dirname, '../fixtures/oracle');
const files = readdirSync(CAPTURES).filter((f) => !f.startsWith('.'));
/**
 * tshark guesses this damaged file is a variant pcap format with longer record headers (its second record
 * is garbage for the plain format), so its frame bytes start 12 bytes later than a plain reading.
 */
const READER_DISAGREES = new Set(['bad-pcap-damaged-record__suricata-verify__fuzz.pcap']);

const MY_FLAGS = PF_TRUNCATED | PF_MALFORMED | PF_FRAGMENT | PF_REASSEMBLED | PF_BAD_CHECKSUM;
const MY_PROTOCOLS = new Set(['ARP', 'RARP', 'IPv4', 'IPv6', 'LLC']);

function collect(nodes: readonly TreeNode[] | null, name: string, out: string[] = []): string[] {
  if (!nodes) return out;
  for (const n of nodes) {
    if (n.field.name === name && n.label !== '') {
      const v = n.value;
      if (v instanceof Uint8Array) out.push(v.length === 6 ? formatMac(v) : v.length === 4 ? formatIPv4(v) : formatIPv6(v));
      else out.push(String(v));
    }
    collect(n.children, name, out);
  }
  return out;
}

interface Summary {
  protocol: string;
  netType: number;
  netSrc: string;
  netDst: string;
  ipProto: number;
  link: string;
  flags: number;
  info: string;
  tree: TreeNode[] | null;
}

function pass(frames: LiteFrame[], mode: number): Summary[] {
  const d = new Dissection();
  const defrag = new IpDefragmenter({ clock: () => d.frame.tsSec + d.frame.tsNsec / 1e9 });
  const out: Summary[] = [];
  for (const f of frames) {
    if (!f.packet) {
      out.push({ protocol: '', netType: 0, netSrc: '', netDst: '', ipProto: -1, link: '', flags: 0, info: '', tree: null });
      continue;
    }
    d.reset(f.data, mode);
    Object.assign(d.frame, f.meta);
    d.defrag = defrag;
    dissectFrame(d);
    const n = d.netType === 6 ? 16 : 4;
    out.push({
      protocol: d.protocolName(),
      netType: d.netType,
      netSrc: Array.from(d.netSrc.subarray(0, n)).join('.'),
      netDst: Array.from(d.netDst.subarray(0, n)).join('.'),
      ipProto: d.ipProto,
      link: `${d.linkSrcOff}/${d.linkDstOff}/${d.linkAddrLen}`,
      flags: d.flags & MY_FLAGS,
      info: d.info,
      tree: d.tree,
    });
    if (mode === MODE_SUMMARY || mode === MODE_TREE) {
      expect(d.problems.filter((p) => p.startsWith('Dissector bug')), `frame ${f.meta.number}`).toEqual([]);
    }
  }
  return out;
}

describe.each(files)('%s', (file) => {
  const frames = readCapture(join(CAPTURES, file));
  const oracle = readOracle(join(ORACLE, `${file}.fields.tsv`));
  if (READER_DISAGREES.has(file)) {
    console.log(`dissect-ip-oracle: ${file} skipped: tshark reads this damaged file as a variant pcap format (frames 12 bytes later)`);
  }

  it.skipIf(READER_DISAGREES.has(file))('matches tshark for link and network fields', () => {
    const tree = pass(frames, MODE_TREE);
    const summary = pass(frames, MODE_SUMMARY);
    for (const f of frames) {
      const row = oracle.get(f.meta.number);
      // A damaged file the test reader and tshark split into records differently: not a dissector question.
      if (!row || !f.packet || Number(row['frame.cap_len']) !== f.meta.caplen) continue;
      const t = tree[f.meta.number - 1] as Summary;
      const s = summary[f.meta.number - 1] as Summary;
      const where = `frame ${f.meta.number}`;
      // tshark's own fields, every occurrence (ICMP-quoted headers come after ours: compare our prefix).
      for (const name of ['eth.src', 'eth.dst', 'vlan.id']) {
        expect(collect(t.tree, name).join(','), `${where} ${name}`).toBe(row[name]);
      }
      for (const name of ['ip.src', 'ip.dst', 'ip.proto', 'ipv6.src', 'ipv6.dst']) {
        const ours = collect(t.tree, name);
        const theirs = (row[name] ?? '').split(',').filter((x) => x !== '');
        expect(ours[0], `${where} ${name}`).toBe(theirs[0]);
      }
      // The summary addresses are the outer header's.
      const v4 = (row['ip.src'] ?? '').split(',')[0];
      const v6 = (row['ipv6.src'] ?? '').split(',')[0];
      if (t.netType === 4 && v4) expect(t.netSrc, where).toBe(v4);
      if (t.netType === 6 && v6) expect(t.netSrc.split('.').length, where).toBe(16);
      const proto = row['_ws.col.Protocol'] ?? '';
      if (MY_PROTOCOLS.has(proto) && proto !== 'LLC') {
        expect(s.protocol, `${where} protocol (tshark info: ${row['_ws.col.Info']})`).toBe(proto);
      }
      const info = row['_ws.col.Info'] ?? '';
      if (proto === 'ARP' || proto === 'RARP' || info.startsWith('Fragmented IP protocol') || info.startsWith('IPv6 fragment')) {
        // tshark adds "(duplicate use of ... detected!)" from capture-wide state we do not keep.
        expect(s.info, where).toBe(info.replace(/ \(duplicate use of .* detected!\)$/, ''));
      }
    }
  });

  it('gives the same summary in index, summary and tree modes', () => {
    const index = pass(frames, MODE_INDEX);
    const summary = pass(frames, MODE_SUMMARY);
    const tree = pass(frames, MODE_TREE);
    for (let i = 0; i < index.length; i++) {
      const strip = (x: Summary) => ({ ...x, info: '', tree: null, protocol: MY_PROTOCOLS.has(x.protocol) ? x.protocol : '*' });
      expect(strip(summary[i] as Summary), `frame ${i + 1}`).toEqual(strip(index[i] as Summary));
      expect(strip(tree[i] as Summary), `frame ${i + 1}`).toEqual(strip(index[i] as Summary));
    }
  });
});

it('interns protocol names once', () => {
  expect(protocolNames.id('IPv4')).toBe(protocolNames.id('IPv4'));
});
