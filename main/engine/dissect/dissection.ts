/**
 * The state of dissecting one packet. One instance is reused for every packet of a pass (no per-packet
 * allocation on the index path): `reset` clears the summary fields, decoders fill them as they descend.
 *
 * Three modes, cheapest first:
 *  - INDEX: only the fixed-width summary fields the store keeps (addresses, ports, protocol, flags).
 *  - SUMMARY: also the Info column text.
 *  - TREE: also the detail tree with every registered field and its byte range (what the detail view and
 *    the display filter read).
 * Decoders guard text and tree work with `d.mode >= MODE_SUMMARY` / `d.tree !== null` so the index path
 * stays allocation-free.
 *
 * A TREE dissection can be limited to a set of wanted fields (`want`): the display filter and the logs need a
 * few fields, not the labelled tree. Nodes of other fields are then not built at all (a shared placeholder
 * stands in for them), wanted nodes are kept wherever they occur, and decoders skip the label text of a whole
 * protocol when `d.wants(proto)` says nothing of it is wanted. The kept nodes are the same nodes the full
 * tree holds (same field, value and byte range), which test/unit/dissect-fields-mode.test.ts checks.
 */
import type { FieldDef } from './fields';
import type { StreamProtocol } from './tables';
import type { FieldValue, TreeNode } from './tree';
import { protocolNames } from './protocols-registry';
import { columnPresenceBits } from './protocol-presence';

export const MODE_INDEX = 0;
export const MODE_SUMMARY = 1;
export const MODE_TREE = 2;

// Packet flag bits (stored in the store's 16-bit flags column).
export const PF_TRUNCATED = 1 << 0; // captured bytes end inside a header
export const PF_MALFORMED = 1 << 1; // a header field is impossible (bad length, bad version ...)
export const PF_FRAGMENT = 1 << 2; // an IP fragment that is not the reassembling one
export const PF_REASSEMBLED = 1 << 3; // this packet completed an IP datagram
export const PF_BAD_CHECKSUM = 1 << 4;
export const PF_UNSUPPORTED_LINK = 1 << 5;
export const PF_TCP_SYN = 1 << 6;
export const PF_TCP_FIN = 1 << 7;
export const PF_TCP_RST = 1 << 8;
export const PF_TCP_ACK = 1 << 9;
/**
 * netSrc/netDst are not the IPv6 header's own addresses: a Home Address option gave the source or a routing
 * header's final hop the destination (as in Wireshark's columns and conversations). The filter's column tier
 * must then not answer ipv6.src/ipv6.dst from the stored endpoints.
 */
export const PF_ALT_NET_ADDR = 1 << 11;

// Network-layer kinds for `netType`.
export const NET_NONE = 0;
export const NET_IPV4 = 4;
export const NET_IPV6 = 6;
export const NET_ARP = 0x806;

/** Called by transport decoders once addresses and ports are known: the session layer hooks in here. */
export interface FlowHooks {
  onTransport(d: Dissection): void;
}

/** IP fragment reassembly, provided by the engine (state spans packets). */
export interface Defragmenter {
  /**
   * Offers one fragment. Returns the whole datagram payload when this fragment completes it, else null.
   * `key` identifies the datagram (addresses, id, protocol); `offset` is in bytes.
   */
  add(key: string, offset: number, more: boolean, data: Uint8Array, frame: number): Uint8Array | null;
}

/**
 * TCP stream reassembly, provided by the engine (state spans packets): given one segment's payload for a
 * stream protocol, decodes every message that this segment completes, on a reassembled buffer when a message
 * spans segments. Without it (null) only messages wholly inside one segment are decoded.
 */
export interface StreamReassembler {
  deliver(d: Dissection, protocol: StreamProtocol, off: number, end: number): void;
}

export interface FrameMeta {
  number: number;
  tsSec: number;
  tsNsec: number;
  caplen: number;
  len: number;
  /** Global interface id across pcapng sections (InterfaceInfo.id; the store's interface column). */
  ifId: number;
  /** Interface index within its pcapng section (InterfaceInfo.indexInSection): what tshark shows as frame.interface_id. */
  ifIndexInSection: number;
  linkType: number;
}

/** See `Dissection.appNames`. Addresses in `dnsAnswers` are 4 or 16 bytes (copies). */
export interface AppNames {
  sni?: string;
  host?: string;
  /** The HTTP request target that came with `host`. */
  url?: string;
  dnsAnswers?: { name: string; addr: Uint8Array }[];
}

const EMPTY = new Uint8Array(0);

/**
 * Stands in for every node a limited tree does not keep: decoders may still label it or read its children
 * (both harmless), and nodes added under it are dropped unless wanted.
 */
const PLACEHOLDER: TreeNode = { field: { id: -1, name: '', type: 'none', description: '', base: 'dec' }, start: 0, length: 0, value: null, label: '', children: null };

/**
 * The fields a limited TREE dissection keeps (see the module comment). `fields[id]` is 1 for a wanted field id;
 * `protocols[id]` is 1 for a protocol field id some wanted field belongs to, or every protocol is 1 when
 * `anyProtocol` (a wanted field whose protocol is not known by its name).
 */
export interface FieldScope {
  readonly fields: Uint8Array;
  readonly protocols: Uint8Array;
  readonly anyProtocol: boolean;
}
/** Longest protocol trail kept per packet (real stacks are under 10 layers). */
export const TRAIL_MAX = 16;

export class Dissection {
  mode = MODE_INDEX;
  buf: Uint8Array = EMPTY;
  /** The frame's own bytes; unlike `buf` it never switches to a reassembled buffer (link addresses live here). */
  frameData: Uint8Array = EMPTY;
  dv: DataView = new DataView(EMPTY.buffer);
  readonly frame: FrameMeta = { number: 0, tsSec: 0, tsNsec: 0, caplen: 0, len: 0, ifId: 0, ifIndexInSection: 0, linkType: 0 };
  hooks: FlowHooks | null = null;
  defrag: Defragmenter | null = null;
  streams: StreamReassembler | null = null;
  /**
   * Engine-owned state of application protocols that spans packets (DNS/HTTP request-response matching:
   * see protocols/dns-transactions.ts `createAppState`), keyed by protocol. Null: no matching is done.
   */
  appState: Map<string, unknown> | null = null;
  /**
   * Stop at the transport layer: TCP and UDP do not hand their payload to any application decoder. For a
   * consumer that needs only flows (`wirelens sessions --no-classify`), the application layer is most of the
   * pass's cost and changes none of its answers.
   */
  transportOnly = false;

  // ---- summary fields (what the store keeps; reset per packet) ----
  /** Protocol column id (see protocolNames); the highest layer decoded wins. */
  protocol = 0;
  /**
   * Every protocol column id set while decoding this packet, outermost first (an immediate repeat is kept
   * once): the layer chain the protocol hierarchy statistics count, read without building a tree. Holds at
   * most TRAIL_MAX entries; deeper layers are dropped.
   */
  readonly protoTrail = new Uint16Array(TRAIL_MAX);
  protoTrailLen = 0;
  /** Presence bits of the application protocols this packet holds (see protocol-presence.ts); stored per packet. */
  protoMask = 0;
  netType = NET_NONE;
  /** Network addresses copied here so they survive a switch to a reassembled buffer. 4 or 16 bytes used. */
  readonly netSrc = new Uint8Array(16);
  readonly netDst = new Uint8Array(16);
  /**
   * The outer IPv6 header's own source address (16 bytes) when netType is NET_IPV6: netSrc may hold the Home
   * Address instead, and the ICMPv6 hop-limit lookup has to find the header by what it really contains.
   */
  readonly ipv6HdrSrc = new Uint8Array(16);
  /** Link-layer source/destination offsets into the frame (-1 when absent), and their length (6 for MAC). */
  linkSrcOff = -1;
  linkDstOff = -1;
  linkAddrLen = 0;
  ipProto = -1;
  sport = -1;
  dport = -1;
  tcpFlags = 0;
  tcpSeq = 0;
  tcpAck = 0;
  tcpWin = 0;
  tcpPayloadLen = 0;
  icmpType = -1;
  icmpCode = -1;
  icmpId = -1;
  /** Shift count of a TCP Window Scale option in this segment, -1 when absent (lets the session layer learn it). */
  tcpWsOption = -1;
  flags = 0;
  /** Bytes [payloadOff, payloadEnd) of `buf` are the transport payload (application data). */
  payloadOff = 0;
  payloadEnd = 0;
  /** Nesting depth: >0 while decoding a header quoted inside ICMP errors (must not touch summary fields). */
  inner = 0;
  /**
   * Names this packet carries for application classification (TLS/QUIC SNI, HTTP Host, DNS answers), set by
   * those decoders in every mode (INDEX included) so the session enrichment can read them without a tree.
   * Null when the packet names nothing (the common case: no allocation).
   */
  appNames: AppNames | null = null;
  /**
   * Whether decoders record `appNames` at all (a pass-level switch, not reset per packet): only the session
   * enrichment reads them, and a pass without it (`wirelens list`) need not copy every DNS answer.
   */
  noteAppNames = true;

  // ---- set by the session layer through hooks ----
  sessionId = -1;
  /** Index of the session among sessions of its protocol (Wireshark's tcp.stream / udp.stream); -1 unknown. */
  streamIndex = -1;
  /** 0: packet goes from the session's A side to B, 1: from B to A. */
  direction = 0;
  /** Initial sequence numbers for Wireshark-style relative numbers; -1 when unknown. */
  tcpSeqBase = -1;
  tcpAckBase = -1;
  /** Window scale shift for this segment's sender (Wireshark's scalefactor): -1 unknown, -2 scaling not used. */
  tcpWinScale = -1;

  // ---- text and tree ----
  info = '';
  /** Root nodes of the detail tree, or null outside MODE_TREE. */
  tree: TreeNode[] | null = null;
  private readonly stack: TreeNode[] = [];
  /** Limits a TREE dissection to some fields (null: the whole tree). Set before `reset`; kept across packets. */
  want: FieldScope | null = null;
  /**
   * With `want`: also build the Info text (a filter that prints the rows it keeps decides and formats a packet
   * in one dissection). Without it a limited tree skips the text, which nobody reads.
   */
  wantTextToo = false;
  /** Human-readable problems found (expert info), only collected in SUMMARY/TREE modes. */
  problems: string[] = [];
  /** Name of the current data source for tree nodes ("Reassembled IPv4"), undefined for the frame. */
  source: string | undefined = undefined;

  /** Prepares for a new packet. `data` must stay valid until dissection ends. */
  reset(data: Uint8Array, mode: number): void {
    this.mode = mode;
    this.buf = data;
    this.frameData = data;
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.protocol = 0;
    this.protoTrailLen = 0;
    this.protoMask = 0;
    this.netType = NET_NONE;
    this.linkSrcOff = -1;
    this.linkDstOff = -1;
    this.linkAddrLen = 0;
    this.ipProto = -1;
    this.sport = -1;
    this.dport = -1;
    this.tcpFlags = 0;
    this.tcpSeq = 0;
    this.tcpAck = 0;
    this.tcpWin = 0;
    this.tcpPayloadLen = 0;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.icmpId = -1;
    this.tcpWsOption = -1;
    this.flags = 0;
    this.payloadOff = 0;
    this.payloadEnd = 0;
    this.inner = 0;
    this.appNames = null;
    this.sessionId = -1;
    this.streamIndex = -1;
    this.direction = 0;
    this.tcpSeqBase = -1;
    this.tcpAckBase = -1;
    this.tcpWinScale = -1;
    this.info = '';
    this.source = undefined;
    this.stack.length = 0;
    if (mode >= MODE_SUMMARY) this.problems = [];
    this.tree = mode >= MODE_TREE ? [] : null;
  }

  /** Replaces the buffer being decoded (reassembled data); later tree nodes refer to `source`. */
  switchBuffer(data: Uint8Array, source: string): void {
    this.buf = data;
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.source = source;
  }

  setProtocol(name: number): void {
    if (this.inner !== 0) return;
    this.protocol = name;
    this.protoMask |= columnPresenceBits(name);
    const n = this.protoTrailLen;
    if (n < TRAIL_MAX && (n === 0 || this.protoTrail[n - 1] !== name)) {
      this.protoTrail[n] = name;
      this.protoTrailLen = n + 1;
    }
  }

  get wantText(): boolean {
    // A limited tree (see `want`) is read for field values: nobody reads its Info text.
    return this.mode >= MODE_SUMMARY && this.inner === 0 && (this.want === null || this.wantTextToo);
  }

  /** Records a problem (malformed/truncated), sets the flag; the text is kept only when it will be shown. */
  problem(flag: number, text: string): void {
    if (this.inner === 0) this.flags |= flag;
    if (this.mode >= MODE_SUMMARY) this.problems.push(text);
  }

  // ---- tree building (callers check `d.tree !== null` first) ----

  /**
   * True when the tree is built and may hold something of protocol `proto`: decoders guard the labelled
   * subtree of their protocol with it, so a limited tree skips the text work of protocols nobody asked for.
   */
  wants(proto: FieldDef): boolean {
    if (this.tree === null) return false;
    const w = this.want;
    return w === null || w.anyProtocol || w.protocols[proto.id] === 1;
  }

  /** Opens a subtree (a protocol or a structured field); close it with `close()`. */
  open(field: FieldDef, start: number, length: number, label: string, value: FieldValue = null): TreeNode {
    const node = this.add(field, start, length, value, label);
    if (node !== PLACEHOLDER) node.children = [];
    this.stack.push(node);
    return node;
  }

  close(): void {
    this.stack.pop();
  }

  /** Adds a field under the open subtree. The default label is "Description: value". */
  add(field: FieldDef, start: number, length: number, value: FieldValue, label?: string): TreeNode {
    const want = this.want;
    if (want !== null && want.fields[field.id] !== 1) return PLACEHOLDER;
    const node: TreeNode = {
      field,
      start,
      length,
      value,
      // A limited tree is read by programs, not people: no default label.
      label: label ?? (want === null ? `${field.description}: ${formatValue(field, value)}` : ''),
      children: null,
      source: this.source,
    };
    const parent = this.stack[this.stack.length - 1];
    if (parent !== undefined && parent !== PLACEHOLDER) (parent.children ??= []).push(node);
    else if (this.tree) this.tree.push(node);
    return node;
  }

  /** Adds a field that is derived, not read from bytes (e.g. `ip.addr`, relative sequence numbers). */
  addHidden(field: FieldDef, value: FieldValue, start = 0, length = 0): TreeNode {
    const node = this.add(field, start, length, value);
    node.label = '';
    return node;
  }

  protocolName(): string {
    return protocolNames.name(this.protocol);
  }
}

export function formatValue(field: FieldDef, value: FieldValue): string {
  if (value === null) return '';
  if (value instanceof Uint8Array) return hexColon(value);
  if (typeof value === 'number' && field.base === 'hex') return '0x' + value.toString(16).padStart(2, '0');
  return String(value);
}

export function hexColon(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i) s += ':';
    s += (bytes[i] as number).toString(16).padStart(2, '0');
  }
  return s;
}
