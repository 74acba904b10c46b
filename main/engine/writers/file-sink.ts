import * as fs from 'node:fs';

const DEFAULT_BUFFER = 1024 * 1024;

/**
 * Buffered, synchronous output to a file descriptor or path. Writers reserve space and fill it through `view`
 * (no intermediate objects per packet); large payloads bypass the buffer. A sink opened from a path owns (and
 * closes) its descriptor; one given a descriptor leaves closing to the caller.
 */
export class FileSink {
  readonly buf: Buffer;
  readonly view: DataView;
  /** Bytes handed to the sink so far (the file offset of the next byte when the sink started at 0). */
  written = 0;
  private used = 0;
  private fd: number;
  private readonly ownsFd: boolean;

  constructor(target: number | string, bufferSize: number = DEFAULT_BUFFER) {
    if (typeof target === 'number') {
      this.fd = target;
      this.ownsFd = false;
    } else {
      this.fd = fs.openSync(target, 'w');
      this.ownsFd = true;
    }
    this.buf = Buffer.allocUnsafe(Math.max(4096, bufferSize));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Reserves `n` bytes (n <= buffer size) and returns their offset in `buf`/`view`; the caller fills them. */
  reserve(n: number): number {
    if (this.used + n > this.buf.length) this.flush();
    const at = this.used;
    this.used += n;
    this.written += n;
    return at;
  }

  write(bytes: Uint8Array): void {
    if (bytes.length > this.buf.length - this.used) {
      this.flush();
      if (bytes.length > this.buf.length) {
        this.writeFully(bytes);
        this.written += bytes.length;
        return;
      }
    }
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
    this.written += bytes.length;
  }

  /** Writes zero bytes up to the next multiple of 4 of `length` (pcapng padding). */
  pad4(length: number): void {
    const n = (4 - (length & 3)) & 3;
    if (n === 0) return;
    const at = this.reserve(n);
    this.buf.fill(0, at, at + n);
  }

  flush(): void {
    if (this.used > 0) {
      this.writeFully(this.buf.subarray(0, this.used));
      this.used = 0;
    }
  }

  /** Flushes and forces the data to disk. */
  sync(): void {
    this.flush();
    fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    if (this.ownsFd) fs.closeSync(this.fd);
    this.fd = -1;
  }

  private writeFully(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(this.fd, bytes, off, bytes.length - off);
  }
}
