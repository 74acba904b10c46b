import * as fs from 'node:fs';
import type { CaptureReader, OpenOptions } from './record';
import { NotACaptureError, PcapReader, PCAP_MAGIC_NS_BE, PCAP_MAGIC_NS_LE, PCAP_MAGIC_US_BE, PCAP_MAGIC_US_LE } from './pcap';
import { BT_SHB, BYTE_ORDER_MAGIC, PcapngReader } from './pcapng';

export { NotACaptureError } from './pcap';

/**
 * Opens a capture for streaming, choosing the reader from the magic number (never the extension: files named
 * .pcap are often pcapng and vice versa). Throws NotACaptureError with a one-line message only when the file
 * cannot be read or is not a capture at all; every later problem is reported through `reader.errors`.
 */
export function openCapture(path: string, opts?: OpenOptions): CaptureReader {
  const head = readHead(path);
  if (head.length < 4) {
    throw new NotACaptureError(`${path}: not a capture file (${head.length === 0 ? 'empty' : 'only ' + head.length + ' bytes'})`);
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint32(0, true);
  try {
    switch (magic) {
      case PCAP_MAGIC_US_LE:
      case PCAP_MAGIC_US_BE:
      case PCAP_MAGIC_NS_LE:
      case PCAP_MAGIC_NS_BE:
        return new PcapReader(path, opts);
      case BT_SHB: {
        if (head.length < 12 && !opts?.follow) throw new NotACaptureError('truncated pcapng section header');
        if (head.length >= 12) {
          const bom = view.getUint32(8, true);
          if (bom !== BYTE_ORDER_MAGIC && bom !== 0x4d3c2b1a) {
            throw new NotACaptureError('starts like pcapng but has no valid byte-order magic');
          }
        }
        return new PcapngReader(path, opts);
      }
      default:
        throw new NotACaptureError(`not a pcap or pcapng capture file (starts with 0x${hex(head)})`);
    }
  } catch (e) {
    if (e instanceof NotACaptureError && e.message.startsWith(path)) throw e;
    throw new NotACaptureError(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** First 12 bytes (magic + pcapng byte-order magic), turning I/O failures into a one-line message. */
function readHead(path: string): Uint8Array {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw new NotACaptureError(`${path}: cannot open: ${describe(e)}`);
  }
  try {
    const head = new Uint8Array(12);
    let got = 0;
    while (got < head.length) {
      const n = fs.readSync(fd, head, got, head.length - got, got);
      if (n <= 0) break;
      got += n;
    }
    return head.subarray(0, got);
  } catch (e) {
    throw new NotACaptureError(`${path}: cannot read: ${describe(e)}`);
  } finally {
    fs.closeSync(fd);
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EACCES') return 'permission denied';
    if (code === 'EISDIR') return 'is a directory';
    return e.message;
  }
  return String(e);
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 4 && i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}
