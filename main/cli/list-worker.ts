/**
 * A `list` worker process: the pass over its share of the packets, its rows written to stdout as frames for the
 * merging process (parallel-list.ts). Processes, not worker threads: on big-1m, two worker threads of one
 * process used 12.7–14.2 CPU s between them against 9.3–9.7 s for the single pass, in the same run, while two
 * whole passes in separate processes ran side by side at nearly their speed alone (8.8 and 9.9 s against 7.9 s).
 *
 * Run as `node list-worker.js` with WIRELENS_LIST_PART set (see WorkerSetup). Blocking writes to a full pipe are
 * the back-pressure: the merge stops reading a worker that runs too far ahead.
 */
import * as fs from 'node:fs';
import { listRows } from './commands/list';
import { FRAME_DONE, FRAME_FAILED, FRAME_ROWS, type WorkerSetup } from './parallel-list';
import { RowChunks, type RowChunk } from './row-chunks';
import { CliError } from './open-file';

const setup = JSON.parse(process.env.WIRELENS_LIST_PART ?? '{}') as WorkerSetup;
const rows = new RowChunks();

function writeAll(b: Uint8Array): void {
  let off = 0;
  while (off < b.length) {
    try {
      off += fs.writeSync(1, b, off, b.length - off);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      // The merge went away (its own stdout closed): nothing is waiting for these rows.
      if (code === 'EPIPE') process.exit(0);
      throw err;
    }
  }
}

/** Frame: kind, a value (packets read / exit code), row count, byte count; then numbers, starts, bytes. */
function frame(kind: number, value: number, chunk: RowChunk | null): void {
  const n = chunk?.numbers.length ?? 0;
  const head = new Uint32Array([kind, value, n, chunk?.bytes.length ?? 0]);
  writeAll(new Uint8Array(head.buffer));
  if (chunk === null) return;
  if (n > 0) {
    writeAll(new Uint8Array(chunk.numbers.buffer, 0, n * 4));
    writeAll(new Uint8Array(chunk.starts.buffer, 0, n * 4));
  }
  if (chunk.bytes.length > 0) writeAll(chunk.bytes);
}

try {
  const args = { positional: setup.positional, flags: new Set(setup.flags), options: new Map(setup.options) };
  const code = listRows(args, rows, {
    index: setup.index,
    count: setup.count,
    afterStep(read) {
      frame(FRAME_ROWS, read, rows.take());
    },
  });
  frame(FRAME_ROWS, 0xffffffff, rows.take());
  frame(FRAME_DONE, code, null);
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  const text = new TextEncoder().encode(err instanceof CliError ? message : `internal error: ${message}`);
  // The message travels as the frame's bytes, with no rows.
  frame(FRAME_FAILED, err instanceof CliError ? err.exitCode : 70, { numbers: new Uint32Array(0), starts: new Uint32Array(0), bytes: text });
}
