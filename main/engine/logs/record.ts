/**
 * The shape every log shares: a flat record of Zeek-named columns. Builders produce these plain objects so
 * the CLI, the UI and tests read the same thing; formatting (text/CSV/JSON lines) is a separate step.
 */

/** One cell: a scalar, a list (Zeek's vector columns such as `answers`), or null for "not seen". */
export type LogScalar = string | number | boolean;
export type LogValue = LogScalar | readonly LogScalar[] | null;
export type LogRecord = Record<string, LogValue>;

/** What a record was built from: lets `-Y` keep the records whose packets (or sessions) match a filter. */
export interface Evidence {
  /** 1-based frame numbers of the messages the record describes. */
  readonly frames: number[];
  /** Session ids the record covers. */
  readonly sessions: number[];
}

/** A built log: its column order (what text/CSV print), the records in capture order and their evidence. */
export interface LogTable<R extends LogRecord = LogRecord> {
  readonly name: string;
  readonly columns: readonly string[];
  readonly records: R[];
  /** Parallel to `records`. */
  readonly evidence: Evidence[];
}

/**
 * A log whose source in the engine does not exist yet (a decoder or the classifier still being written):
 * the CLI prints the message instead of an empty log, which would read as "nothing happened".
 */
export class LogUnavailableError extends Error {
  constructor(
    readonly log: string,
    readonly missing: string,
  ) {
    super(`${log} log: not available yet: ${missing}`);
  }
}
