import type { WritablePacket } from './packet';
import { FileSink } from './file-sink';

export interface PcapWriterOptions {
  linkType: number;
  /** Default 262144 (what libpcap and Wireshark use). */
  snaplen?: number;
  /** Write the nanosecond magic (a1b23c4d) and keep full timestamp precision; default microseconds. */
  nanosecond?: boolean;
}

/**
 * Classic pcap writer (little-endian). One link type per file: pcap has no interfaces or comments, use the
 * pcapng writer when those matter. With microsecond precision, nanoseconds are truncated.
 */
export class PcapWriter {
  private readonly sink: FileSink;
  private readonly nanosecond: boolean;
  private packets = 0;

  constructor(target: number | string, opts: PcapWriterOptions) {
    this.sink = new FileSink(target);
    this.nanosecond = opts.nanosecond === true;
    const s = this.sink;
    const at = s.reserve(24);
    s.view.setUint32(at, this.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, true);
    s.view.setUint16(at + 4, 2, true);
    s.view.setUint16(at + 6, 4, true);
    s.view.setInt32(at + 8, 0, true); // thiszone: always UTC
    s.view.setUint32(at + 12, 0, true); // sigfigs
    s.view.setUint32(at + 16, opts.snaplen ?? 262144, true);
    s.view.setUint32(at + 20, opts.linkType >>> 0, true);
  }

  /** Packets written so far. */
  get count(): number {
    return this.packets;
  }

  /** Bytes written so far (the file offset the next record will start at). */
  get bytesWritten(): number {
    return this.sink.written;
  }

  writePacket(p: WritablePacket): void {
    const s = this.sink;
    const at = s.reserve(16);
    const v = s.view;
    // pcap seconds are 32-bit unsigned: times past 2106 cannot be represented and wrap (use pcapng for those).
    v.setUint32(at, p.tsSec >>> 0, true);
    v.setUint32(at + 4, this.nanosecond ? p.tsNsec : Math.floor(p.tsNsec / 1000), true);
    v.setUint32(at + 8, p.data.length, true);
    v.setUint32(at + 12, p.len ?? p.data.length, true);
    s.write(p.data);
    this.packets++;
  }

  /** Pushes buffered bytes to the file (for followers of a live spool). */
  flush(): void {
    this.sink.flush();
  }

  /** Flushes and fsyncs. */
  sync(): void {
    this.sink.sync();
  }

  close(): void {
    this.sink.close();
  }
}
