/**
 * Reads packet bytes from the source capture through a few cached 1 MiB blocks. A split visits sessions in
 * order of their first packet and most sessions are short, so consecutive reads mostly fall in the blocks
 * just read: this turns about one read system call per packet into about one per megabyte of capture.
 * Reads that straddle a block boundary or exceed a block go to the file directly.
 */
import * as fs from 'node:fs';
import { readFully } from './out-buffer';

const BLOCK = 1 << 20;
const BLOCKS = 16;

export class SourceBlocks {
  private readonly fd: number;
  private readonly data: Buffer[] = [];
  /** Block number held in each slot (-1: empty), and when it was last used (LRU). */
  private readonly which = new Float64Array(BLOCKS).fill(-1);
  private readonly used = new Float64Array(BLOCKS);
  /** Valid bytes of each slot (the last block of the file is short). */
  private readonly valid = new Uint32Array(BLOCKS);
  private clock = 0;

  constructor(path: string) {
    this.fd = fs.openSync(path, 'r');
    for (let i = 0; i < BLOCKS; i++) this.data.push(Buffer.allocUnsafe(BLOCK));
  }

  /** Copies `length` bytes at file offset `position` into `buf` at `at`. */
  read(buf: Buffer, at: number, length: number, position: number): void {
    const block = Math.floor(position / BLOCK);
    const start = position - block * BLOCK;
    if (start + length > BLOCK) {
      readFully(this.fd, buf, at, length, position);
      return;
    }
    const slot = this.slotFor(block);
    if (start + length > (this.valid[slot] as number)) {
      // Past what the block held when read (a growing capture): read directly.
      readFully(this.fd, buf, at, length, position);
      return;
    }
    (this.data[slot] as Buffer).copy(buf, at, start, start + length);
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  private slotFor(block: number): number {
    let lru = 0;
    for (let i = 0; i < BLOCKS; i++) {
      if (this.which[i] === block) {
        this.used[i] = ++this.clock;
        return i;
      }
      if ((this.used[i] as number) < (this.used[lru] as number)) lru = i;
    }
    const buf = this.data[lru] as Buffer;
    let got = 0;
    for (;;) {
      const n = fs.readSync(this.fd, buf, got, BLOCK - got, block * BLOCK + got);
      if (n === 0) break;
      got += n;
      if (got === BLOCK) break;
    }
    this.which[lru] = block;
    this.valid[lru] = got;
    this.used[lru] = ++this.clock;
    return lru;
  }
}
