/**
 * Protocol hierarchy statistics (tshark -z io,phs), accumulated by the index pass.
 *
 * tshark counts, per frame, the chain of top-level protocols of its tree ("eth" → "ip" → "tcp" → "tls"); a
 * frame counts once at every node of its chain. Here the chain is rebuilt per packet without a tree from what
 * the INDEX-mode dissection records: the link type, the 802.1Q tags in front of the network layer, the trail
 * of Protocol column ids the decoders set (Dissection.protoTrail), and whether an undecoded payload is left
 * (tshark's "data"). The chain is interned into a tree of small-int nodes; per packet only its leaf node is
 * stored (a Uint32Array column) and counted, so a filtered hierarchy is a pass over the displayed packets.
 */
import type { CaptureIndex, PacketEnricher } from '../capture/capture-index';
import { PF_FRAGMENT, PF_MALFORMED, PF_TRUNCATED, TRAIL_MAX, type Dissection } from '../dissect/dissection';
import { RS_NORMAL, RS_NOT_DELIVERED, RS_SEGMENT, TA_RETRANSMISSION, TA_SPURIOUS_RETRANSMISSION } from '../dissect/protocols/tcp-analysis';
import type { PacketRecord } from '../readers/record';
import type { HierarchyNode } from '../../../shared/views/stats';
import {
  columnLayers,
  ipProtoLayer,
  L_8021AD,
  L_COMMENT,
  L_DATA,
  L_ETH,
  L_IP,
  L_IPV6,
  L_MALFORMED,
  L_SHORT,
  L_TCP,
  L_UDP,
  L_VLAN,
  layerNames,
  linkLayer,
} from './layer-names';

/** Node keys are parent * LAYER_SPACE + layer: layer ids must stay below it (there are a few dozen). */
const LAYER_SPACE = 1 << 16;
const MAX_CHAIN = TRAIL_MAX + 8;
/** Most 802.1Q tags walked in front of the network layer (real frames carry one or two). */
const MAX_TAGS = 4;

/** IPv6 extension headers and "no next header": an IP protocol value that names no payload layer. */
function isIpv6Extension(proto: number): boolean {
  return proto === 0 || proto === 43 || proto === 44 || proto === 50 || proto === 51 || proto === 59 || proto === 60 || proto === 135;
}

export class ProtocolHierarchy implements PacketEnricher {
  /** Node 0 is the root (no layer); every other node is a layer under its parent. */
  private parent: Int32Array = new Int32Array(64);
  private layer: Uint16Array = new Uint16Array(64);
  private nodes = 1;
  private readonly childOf = new Map<number, number>();
  /** Frames and bytes whose chain ends at each node (totals per node are summed up the tree when asked). */
  private endFrames: Float64Array = new Float64Array(64);
  private endBytes: Float64Array = new Float64Array(64);
  /** Leaf node of every packet, by store index. */
  private leafOf: Uint32Array = new Uint32Array(1024);
  /** Packets seen (= the store index of the next one). */
  count = 0;
  private index: CaptureIndex | null = null;
  // The previous packet's chain and leaf: consecutive packets of a flow usually share them.
  private readonly chain = new Uint16Array(MAX_CHAIN);
  private chainLen = 0;
  private readonly prevChain = new Uint16Array(MAX_CHAIN);
  private prevLen = -1;
  private prevLeaf = 0;

  attach(index: CaptureIndex): void {
    this.index = index;
  }

  onPacket(d: Dissection, rec: PacketRecord): void {
    this.buildChain(d, rec.comments !== undefined);
    const leaf = this.leafForChain();
    const i = this.count++;
    if (i === this.leafOf.length) this.leafOf = grow32(this.leafOf, i * 2);
    this.leafOf[i] = leaf;
    this.endFrames[leaf]! += 1;
    this.endBytes[leaf]! += d.frame.len;
  }

  finish(): void {
    /* Counted as packets arrive. */
  }

  /** The layer names of packet `i`'s chain (store index), outermost first. */
  chainOf(i: number): string[] {
    const out: string[] = [];
    for (let n = i < this.count ? this.leafOf[i]! : 0; n > 0; n = this.parent[n]!) out.push(layerNames.name(this.layer[n]!));
    return out.reverse();
  }

  /**
   * The hierarchy over every packet seen (numbers null) or over the given 1-based packet numbers, depth
   * first with children in order of first appearance.
   */
  result(numbers: Uint32Array | null): { frames: number; bytes: number; nodes: HierarchyNode[] } {
    const n = this.nodes;
    let frames: Float64Array;
    let bytes: Float64Array;
    if (numbers === null) {
      frames = this.endFrames.slice(0, n);
      bytes = this.endBytes.slice(0, n);
    } else {
      frames = new Float64Array(n);
      bytes = new Float64Array(n);
      const len = this.index?.store.len;
      for (let k = 0; k < numbers.length; k++) {
        const i = numbers[k]! - 1;
        if (i >= this.count) continue;
        const leaf = this.leafOf[i]!;
        frames[leaf]! += 1;
        bytes[leaf]! += len !== undefined ? len[i]! : 0;
      }
    }
    // A child is always created after its parent: summing from the last node up gives subtree totals.
    for (let v = n - 1; v > 0; v--) {
      const p = this.parent[v]!;
      frames[p]! += frames[v]!;
      bytes[p]! += bytes[v]!;
    }
    const children: number[][] = Array.from({ length: n }, () => []);
    for (let v = 1; v < n; v++) if (frames[v]! > 0) children[this.parent[v]!]!.push(v);
    const nodes: HierarchyNode[] = [];
    const walk = (v: number, parent: number, depth: number): void => {
      for (const c of children[v]!) {
        const at = nodes.length;
        nodes.push({ parent, depth, name: layerNames.name(this.layer[c]!), frames: frames[c]!, bytes: bytes[c]! });
        walk(c, at, depth + 1);
      }
    };
    walk(0, -1, 0);
    return { frames: frames[0]!, bytes: bytes[0]!, nodes };
  }

  // ---- per packet ----

  private push(layer: number): void {
    if (this.chainLen < MAX_CHAIN) this.chain[this.chainLen++] = layer;
  }

  /** Appends a layer unless the chain already ends with it (a frame with two DNS messages is one "dns"). */
  private pushOnce(layer: number): void {
    if (this.chainLen === 0 || this.chain[this.chainLen - 1] !== layer) this.push(layer);
  }

  private buildChain(d: Dissection, commented: boolean): void {
    this.chainLen = 0;
    if (commented) this.push(L_COMMENT);
    const link = linkLayer(d.frame.linkType);
    if (link === undefined) {
      this.push(L_DATA);
      this.addProblems(d);
      return;
    }
    if (link >= 0) this.push(link);
    if (link === L_ETH) this.pushTags(d.frameData);
    const trail = d.protoTrail;
    for (let t = 0; t < d.protoTrailLen; t++) {
      const layers = columnLayers(trail[t]!);
      for (let k = 0; k < layers.length; k++) this.pushOnce(layers[k]!);
    }
    const last = this.chainLen > 0 ? this.chain[this.chainLen - 1]! : -1;
    if (last === L_IP || last === L_IPV6) {
      if ((d.flags & PF_FRAGMENT) !== 0) this.push(L_DATA);
      else if (d.ipProto >= 0 && !isIpv6Extension(d.ipProto)) {
        const named = ipProtoLayer(d.ipProto);
        if (named !== undefined) this.pushOnce(named);
        else if (d.payloadEnd > d.payloadOff) this.push(L_DATA);
      }
    } else if (last === L_UDP) {
      if (d.payloadEnd > d.payloadOff) this.push(L_DATA);
    } else if (last === L_TCP) {
      // A segment kept for a message that a later segment completes shows no payload layer in tshark, nor
      // does a plain retransmission (its bytes went to the payload's dissector the first time; a fast
      // retransmission, sent before the original was known lost, is dissected again).
      const index = this.index;
      // Bytes a stream protocol's reassembly kept or gave up on: tshark shows them as pending segments.
      const state = index !== null && index.streams !== null ? index.streams.frameState : RS_NORMAL;
      const segment = state === RS_SEGMENT || state === RS_NOT_DELIVERED;
      const again = index !== null && (index.tracker.tcpAnalysis & (TA_RETRANSMISSION | TA_SPURIOUS_RETRANSMISSION)) !== 0;
      if (d.tcpPayloadLen > 0 && d.payloadEnd > d.payloadOff && !segment && !again) this.push(L_DATA);
    }
    this.addProblems(d);
  }

  /** tshark appends its expert pseudo-protocols to the chain of a cut or malformed frame. */
  private addProblems(d: Dissection): void {
    if ((d.flags & PF_TRUNCATED) !== 0) this.push(L_SHORT);
    else if ((d.flags & PF_MALFORMED) !== 0) this.push(L_MALFORMED);
  }

  /** 802.1Q / 802.1ad tags after the Ethernet header: the decoder records none of them. */
  private pushTags(b: Uint8Array): void {
    if (b.length < 14) return;
    let type = (b[12]! << 8) | b[13]!;
    let p = 14;
    for (let n = 0; n < MAX_TAGS; n++) {
      if (type === 0x8100 || type === 0x9100) this.push(L_VLAN);
      else if (type === 0x88a8) this.push(L_8021AD);
      else return;
      if (p + 4 > b.length) return;
      type = (b[p + 2]! << 8) | b[p + 3]!;
      p += 4;
    }
  }

  private leafForChain(): number {
    const len = this.chainLen;
    const chain = this.chain;
    if (len === this.prevLen) {
      let same = true;
      for (let k = 0; k < len; k++) {
        if (chain[k] !== this.prevChain[k]) {
          same = false;
          break;
        }
      }
      if (same) return this.prevLeaf;
    }
    let node = 0;
    for (let k = 0; k < len; k++) node = this.child(node, chain[k]!);
    this.prevChain.set(chain.subarray(0, len));
    this.prevLen = len;
    this.prevLeaf = node;
    return node;
  }

  private child(parent: number, layer: number): number {
    const key = parent * LAYER_SPACE + layer;
    let c = this.childOf.get(key);
    if (c === undefined) {
      c = this.nodes++;
      if (c === this.parent.length) {
        const n = c * 2;
        this.parent = grow32i(this.parent, n);
        const l = new Uint16Array(n);
        l.set(this.layer);
        this.layer = l;
        this.endFrames = grow64(this.endFrames, n);
        this.endBytes = grow64(this.endBytes, n);
      }
      this.parent[c] = parent;
      this.layer[c] = layer;
      this.childOf.set(key, c);
    }
    return c;
  }
}

function grow32(a: Uint32Array, n: number): Uint32Array {
  const b = new Uint32Array(n);
  b.set(a);
  return b;
}

function grow32i(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

function grow64(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
