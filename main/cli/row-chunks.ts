/**
 * A RowSink for a `list` worker: rows are kept, with their packet numbers, until the worker hands them to the
 * merging thread as one transferable chunk (see parallel-list.ts).
 */
import { Output } from './output';

export interface RowChunk {
  /** Packet number of each row, ascending. */
  numbers: Uint32Array;
  /** Byte offset of each row in `bytes`; a row ends where the next begins (the last at bytes.length). */
  starts: Uint32Array;
  bytes: Uint8Array;
}

export class RowChunks extends Output {
  private parts: Buffer[] = [];
  /** Bytes already moved from the line buffer into `parts`. */
  private moved = 0;
  private numbers: Uint32Array<ArrayBuffer> = new Uint32Array(4096);
  private starts: Uint32Array<ArrayBuffer> = new Uint32Array(4096);
  private rows = 0;

  constructor() {
    super(-1);
  }

  override startRow(number: number): void {
    if (this.rows === this.numbers.length) {
      this.numbers = grow(this.numbers);
      this.starts = grow(this.starts);
    }
    this.numbers[this.rows] = number;
    this.starts[this.rows] = this.moved + this.pos;
    this.rows++;
  }

  /** The rows written since the last take, and an empty sink. */
  take(): RowChunk {
    this.flush();
    // A fresh ArrayBuffer of its own, so the chunk can be transferred (Buffers may share a pool).
    const bytes = new Uint8Array(this.moved);
    let at = 0;
    for (const p of this.parts) {
      bytes.set(p, at);
      at += p.length;
    }
    const chunk = { numbers: this.numbers.slice(0, this.rows), starts: this.starts.slice(0, this.rows), bytes };
    this.parts = [];
    this.moved = 0;
    this.rows = 0;
    return chunk;
  }

  /** The line buffer is full (or flushed): its bytes join the chunk instead of going to a file. */
  protected override write(bytes: Buffer): void {
    this.parts.push(Buffer.from(bytes));
    this.moved += bytes.length;
  }
}

function grow(a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}
