/** Opening a capture for a CLI command, with the CLI's error conventions. */
import { openCapture } from '../engine/readers/open';
import type { CaptureReader } from '../engine/readers/record';

/** Exit codes: 2 for input that cannot be read at all, 1 for damaged input (partial output was written). */
export const EXIT_UNREADABLE = 2;
export const EXIT_DAMAGED = 1;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function openForCli(path: string): CaptureReader {
  try {
    return openCapture(path);
  } catch (err) {
    throw new CliError(`${path}: ${(err as Error).message}`, EXIT_UNREADABLE);
  }
}

/**
 * Prints the reader's fatal problem (one line) and returns the exit code the command should end with. Of several
 * workers reading the same file, only one prints (`print`).
 */
export function reportReaderErrors(reader: CaptureReader, print = true): number {
  let code = 0;
  for (const e of reader.errors) {
    if (print)
      process.stderr.write(
      `wirelens: ${e.fatal ? 'error' : 'warning'}: ${reader.path}: ${e.message} (byte offset ${e.offset}, packet ${e.packet})\n`,
    );
    if (e.fatal) code = EXIT_DAMAGED;
  }
  return code;
}
