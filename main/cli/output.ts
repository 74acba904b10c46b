/**
 * Buffered stdout: printing a million rows through console.log would dominate the run time.
 *
 * Each line is encoded into one reused 1 MB buffer the moment it is given, so the line's string dies young
 * (a scavenge frees it for almost nothing). Keeping the strings until a flush and joining them made them
 * survive scavenges into the old generation: `wirelens list` spent a third of its time in the collector.
 */
import * as fs from 'node:fs';

const CHUNK = 1 << 20;

/** Where `list` writes its rows: stdout (Output) or, in a worker, chunks for the merging thread. */
export interface RowSink {
  /** Marks the start of packet `number`'s row (the merge orders rows by it). */
  startRow(number: number): void;
  line(s: string): void;
  text(s: string): void;
  bytes(b: Uint8Array): void;
  int(n: number, width?: number): void;
  fixed(negative: boolean, whole: number, frac: number, fracDigits: number, width?: number): void;
  end(): void;
  flush(): void;
}

export class Output implements RowSink {
  protected buf = Buffer.allocUnsafe(CHUNK);
  protected pos = 0;
  private closed = false;

  constructor(private readonly fd = 1) {}

  startRow(_number: number): void {
    // Rows go out in the order they are written.
  }

  line(s: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 code unit; the worst case decides whether it fits.
    if (this.pos + s.length * 3 + 1 > this.buf.length) {
      this.flush();
      if (s.length * 3 + 1 > this.buf.length) {
        this.write(Buffer.from(s + '\n', 'utf8'));
        return;
      }
    }
    this.pos += (this.buf as unknown as { utf8Write(s: string, at: number): number }).utf8Write(s, this.pos);
    this.buf[this.pos++] = 0x0a;
  }

  /**
   * Pieces of a line, written straight into the buffer: `list` prints a million rows, and building each row
   * as one template string (padStart, String(n), the time text) and then flattening it cost more than the
   * dissection of many packets. A line may be split across two flushes; stdout is a byte stream.
   */
  text(s: string): void {
    if (this.pos + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        this.write(Buffer.from(s, 'utf8'));
        return;
      }
    }
    // Short ASCII text is copied by hand: a native utf8Write call per piece costs more than the copy.
    if (s.length <= 128) {
      const buf = this.buf;
      const start = this.pos;
      let p = start;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          p = -1;
          break;
        }
        buf[p++] = c;
      }
      if (p >= 0) {
        this.pos = p;
        return;
      }
    }
    this.pos += (this.buf as unknown as { utf8Write(s: string, at: number): number }).utf8Write(s, this.pos);
  }

  /** `s.padStart(width)` without building the padded string. */
  padStart(s: string, width: number): void {
    if (s.length < width) {
      this.room(width - s.length);
      this.pad(width - s.length);
    }
    this.text(s);
  }

  /** `s.padEnd(width)` without building the padded string. */
  padEnd(s: string, width: number): void {
    this.text(s);
    if (s.length < width) {
      this.room(width - s.length);
      this.pad(width - s.length);
    }
  }

  /** Bytes already encoded (a separator used on every line, or rows a worker wrote). */
  bytes(b: Uint8Array): void {
    if (b.length > this.buf.length) {
      this.flush();
      this.write(Buffer.from(b.buffer, b.byteOffset, b.length));
      return;
    }
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** The whole number `n` (0 ≤ n < 2^53) right-aligned in `width` columns. */
  int(n: number, width = 0): void {
    const digits = decimalDigits(n);
    this.room(Math.max(width, digits));
    this.pad(width - digits);
    this.digits(n, digits);
  }

  /**
   * `[-]whole.frac` with `fracDigits` digits of `frac` (zero-padded), right-aligned in `width` columns: the
   * relative time column without building its text.
   */
  fixed(negative: boolean, whole: number, frac: number, fracDigits: number, width = 0): void {
    const wd = decimalDigits(whole);
    const len = (negative ? 1 : 0) + wd + 1 + fracDigits;
    this.room(Math.max(width, len));
    this.pad(width - len);
    if (negative) this.buf[this.pos++] = 0x2d;
    this.digits(whole, wd);
    this.buf[this.pos++] = 0x2e;
    this.digits(frac, fracDigits);
  }

  /** Ends the line started with the piece writers. */
  end(): void {
    this.room(1);
    this.buf[this.pos++] = 0x0a;
  }

  protected room(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  private pad(n: number): void {
    for (let i = 0; i < n; i++) this.buf[this.pos++] = 0x20;
  }

  /** Writes the lowest `count` decimal digits of `n`, zero-padded. */
  private digits(n: number, count: number): void {
    let p = this.pos + count;
    this.pos = p;
    for (let i = 0; i < count; i++) {
      const q = Math.floor(n / 10);
      this.buf[--p] = 0x30 + (n - q * 10);
      n = q;
    }
  }

  flush(): void {
    if (this.pos === 0 || this.closed) {
      this.pos = 0;
      return;
    }
    const n = this.pos;
    this.pos = 0;
    this.write(this.buf.subarray(0, n));
  }

  protected write(bytes: Buffer): void {
    if (this.closed) return;
    try {
      writeAll(this.fd, bytes);
    } catch (err) {
      // The reader went away (`wirelens list F | head`): stop quietly, as other tools do.
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') {
        this.closed = true;
        process.exit(0);
      }
      throw err;
    }
  }
}

function decimalDigits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw err;
    }
  }
}
