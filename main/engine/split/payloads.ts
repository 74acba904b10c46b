/**
 * The transport payload of a stored packet, for the split JSON's `payloads`: the bytes after the TCP/UDP
 * header (after the ICMP header for ICMP; the IP payload for protocols without a transport decoder), taken
 * when the transport decoder hands over to the session layer, before any application decoder runs. A packet
 * that completed an IP datagram gives the reassembled datagram's payload (its fragments are replayed first).
 */
import type { CaptureIndex } from '../capture/capture-index';
import { PacketAccess } from '../capture/packet-access';
import { Dissection, FlowHooks, MODE_INDEX } from '../dissect/dissection';
import { dissectFrame } from '../dissect/frame';
import { IpDefragmenter, replayDefrag } from '../dissect/protocols/defrag';

const EMPTY = new Uint8Array(0);
const TRANSPORTS = new Set([1, 6, 17, 58]);

export class PayloadReader implements FlowHooks {
  private readonly access: PacketAccess;
  private readonly d = new Dissection();
  private got: Uint8Array | null = null;

  constructor(private readonly index: CaptureIndex) {
    this.access = new PacketAccess(index);
  }

  onTransport(d: Dissection): void {
    if (d.inner !== 0 || this.got !== null) return;
    this.got = d.buf.subarray(d.payloadOff, Math.max(d.payloadOff, d.payloadEnd));
  }

  /** Payload of the packet at 0-based store index `i` (a view, valid until the next call). */
  payload(i: number): Uint8Array {
    const d = this.d;
    this.got = null;
    d.reset(this.access.bytes(i), MODE_INDEX);
    Object.assign(d.frame, this.access.meta(i));
    d.hooks = this;
    d.streams = null;
    d.appState = null;
    d.defrag = null;
    const pass = this.index.defrag;
    if (pass instanceof IpDefragmenter) {
      const frames = pass.completedBy(i + 1);
      // Fragments not completing a datagram are held by an empty defragmenter, as PacketAccess does.
      d.defrag = frames
        ? replayDefrag(frames, i + 1, (f) => (f >= 1 && f <= this.index.store.count ? { data: this.access.bytes(f - 1), meta: this.access.meta(f - 1) } : null))
        : new IpDefragmenter({ record: false });
    }
    dissectFrame(d);
    if (this.got !== null) return this.got;
    // GRE, ESP…: the IP layer's payload range is what there is.
    if (d.ipProto >= 0 && !TRANSPORTS.has(d.ipProto) && d.payloadEnd > d.payloadOff) return d.buf.subarray(d.payloadOff, d.payloadEnd);
    return EMPTY;
  }
}
