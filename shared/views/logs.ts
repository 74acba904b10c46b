/**
 * Contract methods of the logs view (merged into shared/contract.ts's `methods` and `Results`).
 * Parameters are zod schemas (validated before the engine sees them); results are plain types.
 *
 * The protocol logs (DNS, HTTP, TLS, SIP, applications) are Zeek-style tables built by the engine over the
 * whole capture (main/engine/logs). The view pages through one log at a time: `search` keeps records whose text
 * contains it (case-insensitive, over every cell), `filter` keeps records with a packet (or, for TLS and apps,
 * a session) matching a display filter, `sort` orders by one column.
 */
import { z } from 'zod';

const int = z.number().int();
const kind = z.enum(['dns', 'http', 'tls', 'sip', 'apps']);

const view = {
  kind,
  search: z.string().max(1000).default(''),
  filter: z.string().max(10_000).default(''),
  sort: z
    .object({ column: z.string().min(1).max(64), desc: z.boolean().default(false) })
    .strict()
    .optional(),
};

export const logsMethods = {
  /** Rows [start, start+count) of a log under the search, display filter and sort. */
  'logs.rows': z
    .object({ ...view, start: int.min(0).default(0), count: int.min(0).max(1000).default(100) })
    .strict(),
  /** Writes the records shown (same search, filter and sort) as CSV with a header, or JSON lines. */
  'logs.export': z
    .object({ ...view, format: z.enum(['csv', 'jsonl']), path: z.string().min(1).max(4096).optional() })
    .strict(),
} satisfies Record<string, z.ZodType>;

export type LogKind = z.infer<typeof kind>;

/** One cell: what the engine's log record holds (lists are Zeek's vector columns, null is "not seen"). */
export type LogCell = string | number | boolean | readonly (string | number | boolean)[] | null;

/** A display filter that selects a record's packets, with what it selects ("Transaction", "Session", …). */
export interface LogRowFilter {
  label: string;
  expr: string;
}

export interface LogRow {
  /** Position of the record in the whole log (capture order), stable while the log is not rebuilt. */
  record: number;
  /** Parallel to LogRowsResult.columns. */
  cells: LogCell[];
  /**
   * The record's packets (first ones; `frameCount` says how many there are). A record known only by its sessions
   * (an apps interval) lists each session's first packet.
   */
  frames: number[];
  frameCount: number;
  /** Session ids the record covers (first ones). */
  sessions: number[];
  /** Filters selecting its packets, most specific first. */
  filters: LogRowFilter[];
}

export interface LogRowsResult {
  kind: LogKind;
  columns: string[];
  rows: LogRow[];
  start: number;
  /** Records after search and filter. */
  total: number;
  /** Records in the log. */
  records: number;
  /** Packets the log was built over (fewer than the capture's while a live capture grows). */
  packets: number;
  /** The capture has more packets than the log covers: it will be rebuilt on a later request. */
  stale: boolean;
  /** The display filter does not compile (the rows are then unfiltered). */
  filterError?: { message: string; start: number; end: number };
  /** Why this log cannot be built for this capture (no rows then). */
  unavailable?: string;
}

export interface LogResults {
  'logs.rows': LogRowsResult;
  'logs.export': { written: number; path?: string; downloadUrl?: string };
}

/** Methods of this view that write a file (the desktop app asks for the path with a save dialog). */
export const logsOutputs: readonly string[] = ['logs.export'];
