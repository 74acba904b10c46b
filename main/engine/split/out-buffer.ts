/**
 * One reusable output buffer for a split: every session file (or tar entry) is encoded into it and written
 * with few large writes. Unlike a FileSink per file, it costs one allocation for the whole split however many
 * hundred thousand files are written, and its target descriptor can change between files.
 */
import * as fs from 'node:fs';

const INITIAL = 1 << 20;

export class OutBuffer {
  buf: Buffer;
  view: DataView;
  private used = 0;
  /** Where flushed bytes go; -1 while no file is open. */
  fd = -1;

  constructor(size = INITIAL) {
    this.buf = Buffer.allocUnsafe(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Reserves `n` contiguous bytes and returns their offset in `buf`/`view`; the caller fills all of them. */
  reserve(n: number): number {
    if (this.used + n > this.buf.length) {
      this.flush();
      // A packet larger than the buffer (jumbo captures): grow once to hold it.
      if (n > this.buf.length) {
        this.buf = Buffer.allocUnsafe(n);
        this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
      }
    }
    const at = this.used;
    this.used += n;
    return at;
  }

  write(bytes: Uint8Array): void {
    const at = this.reserve(bytes.length);
    this.buf.set(bytes, at);
  }

  flush(): void {
    if (this.used === 0) return;
    if (this.fd < 0) throw new Error('OutBuffer: bytes written with no open file');
    let off = 0;
    while (off < this.used) off += fs.writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }
}

/** Reads exactly `length` bytes at `position` of `fd` into `buf` at `at`; throws when the file is shorter. */
export function readFully(fd: number, buf: Buffer, at: number, length: number, position: number): void {
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, at + got, length - got, position + got);
    if (n === 0) throw new Error(`source ended at byte ${position + got} while reading a packet of ${length} bytes at ${position}`);
    got += n;
  }
}
