/** Buffered stdout: printing a million rows through console.log would dominate the run time. */
import * as fs from 'node:fs';

export class Output {
  private parts: string[] = [];
  private size = 0;
  private closed = false;

  constructor(private readonly fd = 1) {}

  line(s: string): void {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
    if (this.size >= 1 << 20) this.flush();
  }

  flush(): void {
    if (this.size === 0 || this.closed) {
      this.parts = [];
      this.size = 0;
      return;
    }
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    try {
      writeAll(this.fd, text);
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

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
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
