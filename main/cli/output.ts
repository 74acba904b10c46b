/**
 * Buffered stdout: printing a million rows through console.log would dominate the run time.
 *
 * Each line is encoded into one reused 1 MB buffer the moment it is given, so the line's string dies young
 * (a scavenge frees it for almost nothing). Keeping the strings until a flush and joining them made them
 * survive scavenges into the old generation: `wirelens list` spent a third of its time in the collector.
 */
import * as fs from 'node:fs';

const CHUNK = 1 << 20;

export class Output {
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private closed = false;

  constructor(private readonly fd = 1) {}

  line(s: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 code unit; the worst case decides whether it fits.
    if (this.pos + s.length * 3 + 1 > CHUNK) {
      this.flush();
      if (s.length * 3 + 1 > CHUNK) {
        this.write(Buffer.from(s + '\n', 'utf8'));
        return;
      }
    }
    this.pos += (this.buf as unknown as { utf8Write(s: string, at: number): number }).utf8Write(s, this.pos);
    this.buf[this.pos++] = 0x0a;
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

  private write(bytes: Buffer): void {
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
