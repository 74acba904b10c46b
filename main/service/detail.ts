/**
 * The detail pane: a packet dissected in TREE mode, turned into the contract's DetailNode tree with a
 * ready-made display filter per field ("Apply as filter") and its value as text ("Copy value").
 */
import type { DetailNode, PacketDetail } from '../../shared/contract';
import { formatIPv4, formatIPv6, formatMac } from '../engine/base/addr';
import type { CaptureIndex } from '../engine/capture/capture-index';
import { PacketAccess } from '../engine/capture/packet-access';
import { Dissection, hexColon, MODE_TREE } from '../engine/dissect/dissection';
import type { FieldDef } from '../engine/dissect/fields';
import type { FieldValue, TreeNode } from '../engine/dissect/tree';

/**
 * Builds details with its own PacketAccess. Reassembled buffers (the bytes tree nodes of a reassembled IP
 * datagram point into) exist only while the packet is dissected: the Dissection's switchBuffer is wrapped to
 * keep every buffer it switches to, by source name.
 */
export class DetailBuilder {
  private readonly access: PacketAccess;
  private hooked: Dissection | null = null;
  private buffers = new Map<string, Uint8Array>();

  constructor(index: CaptureIndex) {
    this.access = new PacketAccess(index);
  }

  build(number: number): PacketDetail {
    const i = number - 1;
    let d = this.access.dissect(i, MODE_TREE);
    if (this.hooked !== d) {
      // PacketAccess reuses one Dissection; the first call reveals it, so hook it and dissect once more.
      this.hook(d);
      d = this.access.dissect(i, MODE_TREE);
    }
    const sources: { name: string; bytes: string }[] = [{ name: 'Frame', bytes: Buffer.from(d.frameData).toString('base64') }];
    const ids = new Map<string, number>();
    const sourceId = (name: string | undefined): number => {
      if (name === undefined) return 0;
      let id = ids.get(name);
      if (id === undefined) {
        const bytes = this.buffers.get(name) ?? (d.source === name ? d.buf : new Uint8Array(0));
        id = sources.length;
        sources.push({ name, bytes: Buffer.from(bytes).toString('base64') });
        ids.set(name, id);
      }
      return id;
    };
    const tree = convert(d.tree ?? [], sourceId);
    this.buffers = new Map();
    return { number, tree, sources };
  }

  private hook(d: Dissection): void {
    const original = d.switchBuffer.bind(d);
    d.switchBuffer = (data: Uint8Array, source: string): void => {
      this.buffers.set(source, data);
      original(data, source);
    };
    const reset = d.reset.bind(d);
    d.reset = (data: Uint8Array, mode: number): void => {
      this.buffers = new Map();
      reset(data, mode);
    };
    this.hooked = d;
  }
}

function convert(nodes: readonly TreeNode[], sourceId: (name: string | undefined) => number): DetailNode[] {
  const out: DetailNode[] = [];
  for (const n of nodes) {
    // Hidden nodes (ip.addr, tcp.port ...) have no line in the tree; any children they carry move up.
    if (n.label === '') {
      if (n.children) out.push(...convert(n.children, sourceId));
      continue;
    }
    const node: DetailNode = { label: n.label, field: n.field.name, start: n.start, length: n.length, source: sourceId(n.source) };
    const filter = filterFor(n.field, n.value);
    if (filter !== undefined) node.filter = filter;
    const value = valueText(n.field, n.value);
    if (value !== undefined) node.value = value;
    if (n.children && n.children.length > 0) node.children = convert(n.children, sourceId);
    out.push(node);
  }
  return out;
}

/** The value as the detail tree would print it; undefined for label-only nodes and protocols. */
export function valueText(field: FieldDef, value: FieldValue): string | undefined {
  if (value === null || field.type === 'none' || field.type === 'protocol') return undefined;
  if (value instanceof Uint8Array) {
    if (field.type === 'ipv4' && value.length === 4) return formatIPv4(value);
    if (field.type === 'ipv6' && value.length === 16) return formatIPv6(value);
    if (field.type === 'ether' && value.length === 6) return formatMac(value);
    return hexColon(value);
  }
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' && field.base === 'hex' && Number.isInteger(value) && value >= 0) return '0x' + value.toString(16);
  return String(value);
}

/**
 * A display filter matching this field's value, or undefined when none can be written: protocols filter by
 * name; absolute and relative times are left out (their text form does not round-trip exactly).
 */
export function filterFor(field: FieldDef, value: FieldValue): string | undefined {
  const name = field.name;
  if (field.type === 'protocol') return name;
  if (value === null || field.type === 'none' || field.type === 'time' || field.type === 'reltime') return undefined;
  if (field.type === 'bool') return `${name} == ${value === true || (typeof value === 'number' && value !== 0) ? 1 : 0}`;
  if (field.type === 'string') return typeof value === 'string' ? `${name} == ${quote(value)}` : undefined;
  if (value instanceof Uint8Array) {
    if (value.length === 0) return undefined;
    return `${name} == ${valueText(field, value) as string}`;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    if (field.type === 'float') return `${name} == ${String(value)}`;
    if (!Number.isInteger(value)) return undefined;
    return `${name} == ${value < 0 || field.base !== 'hex' ? String(value) : '0x' + value.toString(16)}`;
  }
  if (typeof value === 'bigint') return `${name} == ${value.toString()}`;
  return undefined;
}

/** A double-quoted filter string literal: backslash, quote and control characters escaped. */
export function quote(text: string): string {
  let s = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') s += '\\' + ch;
    else if (c < 0x20 || c === 0x7f) s += '\\x' + c.toString(16).padStart(2, '0');
    else s += ch;
  }
  return s + '"';
}
