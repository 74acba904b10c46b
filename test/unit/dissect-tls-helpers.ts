/**
 * Test-only: runs whole captures through dissectFrame with the FlowStub session hooks and an appState map
 * (what the engine provides in a pass), and collects TLS/QUIC field values from the tree as tshark prints them.
 */
import '../../main/engine/dissect/protocols';
import { Dissection, MODE_TREE } from '../../main/engine/dissect/dissection';
import { dissectFrame } from '../../main/engine/dissect/frame';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { readCapture, type LiteFrame } from './helpers/pcap-lite';
import { tlsMessageLength } from '../../main/engine/dissect/protocols/tls';
import { FlowStub } from './helpers/l4-pcap-lite';

export interface Decoded {
  number: number;
  protocol: string;
  info: string;
  tree: TreeNode[] | null;
  problems: string[];
  sport: number;
  dport: number;
  /** TCP only: the payload is a run of whole TLS records (null: not TCP or no payload). */
  wholeRecords: boolean | null;
}

export function collect(nodes: readonly TreeNode[] | null, name: string, out: string[] = []): string[] {
  if (!nodes) return out;
  for (const n of nodes) {
    if (n.field.name === name) {
      const v = n.value;
      if (name === 'quic.version' && typeof v === 'number') out.push('0x' + v.toString(16).padStart(8, '0'));
      else out.push(String(v));
    }
    collect(n.children, name, out);
  }
  return out;
}

export function decodeFrames(frames: readonly LiteFrame[], mode = MODE_TREE, stateful = true): Decoded[] {
  const d = new Dissection();
  const hooks = new FlowStub();
  const state = new Map<string, unknown>();
  const out: Decoded[] = [];
  for (const f of frames) {
    if (!f.packet) continue;
    d.reset(f.data, mode);
    Object.assign(d.frame, f.meta);
    d.hooks = hooks;
    d.appState = stateful ? state : null;
    dissectFrame(d);
    let whole: boolean | null = null;
    if (d.ipProto === 6 && d.payloadEnd > d.payloadOff) {
      let p = d.payloadOff;
      for (;;) {
        const n = tlsMessageLength(d.frameData, p, d.payloadEnd);
        if (n <= 0 || p + n > d.payloadEnd) break;
        p += n;
      }
      whole = p === d.payloadEnd;
    }
    out.push({ number: f.meta.number, protocol: d.protocolName(), info: d.info, tree: d.tree, problems: d.problems, sport: d.sport, dport: d.dport, wholeRecords: whole });
  }
  return out;
}

export function decodeFile(path: string, mode = MODE_TREE, stateful = true): Decoded[] {
  return decodeFrames(readCapture(path), mode, stateful);
}

/** A minimal ClientHello body: TLS 1.2 legacy version, 2 ciphers, SNI a.example, ALPN h2, GREASE cipher. */
export function clientHello(sni = 'a.example'): Uint8Array {
  const name = new TextEncoder().encode(sni);
  const sniExt = [0x00, 0x00, 0, name.length + 5, 0, name.length + 3, 0, 0, name.length, ...name];
  const alpnExt = [0x00, 0x10, 0, 5, 0, 3, 2, 0x68, 0x32];
  const groups = [0x00, 0x0a, 0, 6, 0, 4, 0x0a, 0x0a, 0x00, 0x1d];
  const exts = [...sniExt, ...alpnExt, ...groups];
  const body = [0x03, 0x03, ...new Array(32).fill(7), 0, 0, 6, 0x0a, 0x0a, 0x13, 0x01, 0xc0, 0x2f, 1, 0, exts.length >> 8, exts.length & 0xff, ...exts];
  return Uint8Array.from([1, 0, body.length >> 8, body.length & 0xff, ...body]);
}

export function record(type: number, body: Uint8Array | number[], version = 0x0303): Uint8Array {
  const b = Uint8Array.from(body);
  return Uint8Array.from([type, version >> 8, version & 0xff, b.length >> 8, b.length & 0xff, ...b]);
}
