import * as fs from 'node:fs';

/** Default sequential read size: big enough that syscalls vanish from profiles, small enough to stay in cache. */
export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
/** Largest single record we will buffer; anything claiming more is treated as damage, not as a reason to OOM. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

/**
 * A sliding window over a file: one reusable buffer holding bytes [start, start + length) of the file.
 * Readers ask for a byte range with `ensure`; when it is not resident, the window is moved (the kept tail is
 * compacted to the front and the rest refilled), and grown only when a single record is larger than the chunk.
 * The whole capture is never read at once, so multi-GB files use a constant few MiB.
 */
export class ChunkedFile {
  /**
   * The window. Replaced (not resized in place) when it must grow, so re-read it after `ensure`. A plain
   * Uint8Array, not a Buffer: records are views into it, and a decoder's `data.slice()` must copy (Buffer's
   * slice is a view, which kept QUIC/DNS state pointing into bytes the next refill overwrites).
   */
  buf: Uint8Array;
  /** DataView over `buf` (re-created together with it). */
  view: DataView;
  /** File offset of buf[0]. */
  start = 0;
  /** Number of valid bytes in buf. */
  length = 0;
  /** File size when last checked (fstat); only `refreshSize` changes it, so a growing file is seen on demand. */
  size: number;
  private fd: number;
  private readonly chunkSize: number;

  constructor(
    readonly path: string,
    chunkSize: number = DEFAULT_CHUNK_SIZE,
  ) {
    // Throws ENOENT/EACCES/EISDIR: the caller (openCapture) turns that into a one-line message.
    this.fd = fs.openSync(path, 'r');
    this.size = fs.fstatSync(this.fd).size;
    this.chunkSize = Math.max(4096, Math.floor(chunkSize));
    this.buf = window(Math.min(this.chunkSize, Math.max(4096, this.size)));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Re-reads the file size (for following a file that is still being written). */
  refreshSize(): number {
    if (this.fd >= 0) this.size = fs.fstatSync(this.fd).size;
    return this.size;
  }

  /**
   * Makes bytes [offset, offset + count) resident in `buf`. Returns false, changing nothing visible to the
   * caller, when the file (as of the last size check) is shorter than that. `count` must be <= MAX_RECORD_BYTES.
   */
  ensure(offset: number, count: number): boolean {
    if (offset >= this.start && offset + count <= this.start + this.length) return true;
    if (offset + count > this.size) return false;
    // Small files start with a small window; a followed file that has since grown gets the full chunk.
    if (count > this.buf.length || (this.buf.length < this.chunkSize && this.size > this.buf.length)) {
      this.grow(Math.max(count, Math.min(this.chunkSize, this.size)));
    }
    // Keep what we already have from `offset` on, move it to the front, then fill up behind it.
    let kept = 0;
    const end = this.start + this.length;
    if (offset >= this.start && offset < end) {
      kept = end - offset;
      this.buf.copyWithin(0, offset - this.start, this.length);
    }
    this.start = offset;
    this.length = kept;
    const want = Math.min(this.buf.length, this.size - offset);
    while (this.length < want) {
      const n = fs.readSync(this.fd, this.buf, this.length, want - this.length, offset + this.length);
      if (n <= 0) break; // file shrank under us: report what we have
      this.length += n;
    }
    return this.length >= count;
  }

  /** Copies bytes at an arbitrary offset (random access; does not disturb the sequential window). */
  readAt(offset: number, count: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.min(count, this.size - offset)));
    let got = 0;
    while (got < out.length) {
      const n = fs.readSync(this.fd, out, got, out.length - got, offset + got);
      if (n <= 0) break;
      got += n;
    }
    return got === out.length ? out : out.subarray(0, got);
  }

  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }

  private grow(count: number): void {
    // Round up to whole chunks so a run of slightly larger records does not regrow every time.
    const size = Math.min(MAX_RECORD_BYTES + this.chunkSize, Math.ceil(count / this.chunkSize) * this.chunkSize);
    const bigger = window(size);
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
  }
}

/** Uninitialised memory (Buffer.allocUnsafe) seen as a plain Uint8Array. */
function window(size: number): Uint8Array {
  const b = Buffer.allocUnsafe(size);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
