/**
 * Buffered text output to a file descriptor: exports stream millions of lines (a session table, a split's
 * JSON document) without building one giant string or paying a write call per line.
 */
import * as fs from 'node:fs';

const FLUSH_AT = 1 << 20;

export class TextSink {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly fd: number) {}

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= FLUSH_AT) this.flush();
  }

  line(s: string): void {
    this.write(s);
    this.write('\n');
  }

  flush(): void {
    if (this.size === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
  }
}
