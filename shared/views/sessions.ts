/**
 * Contract methods of the sessions view (merged into shared/contract.ts's `methods` and `Results`).
 * Parameters are zod schemas (validated before the engine sees them); results are plain types.
 *
 * The session tree is windowed: the client says how it wants the tree (grouping, open nodes, sort, search,
 * display filter it is limited to) and which rows of the flattened tree it shows; the engine answers those rows
 * and the total, never the whole tree.
 */
import { z } from 'zod';

export const SESSION_GROUPINGS = ['host', 'app', 'country', 'protocol'] as const;
export type SessionGrouping = (typeof SESSION_GROUPINGS)[number];

export const SESSION_SORT_COLUMNS = [
  'label',
  'sessions',
  'packets',
  'bytes',
  'pktsOut',
  'bytesOut',
  'pktsIn',
  'bytesIn',
  'start',
  'end',
  'duration',
  'proto',
  'app',
  'category',
  'name',
  'country',
  'asn',
] as const;
export type SessionSortColumn = (typeof SESSION_SORT_COLUMNS)[number];

/** A node key: segments "<letter><id>" joined by '/' (h host, e peer, a app, c country, p protocol, s session). */
const nodeKey = z
  .string()
  .min(2)
  .max(200)
  .regex(/^[heacps]\d{1,10}(\/[heacps]\d{1,10}){0,3}$/);

const treeShape = {
  groupBy: z.enum(SESSION_GROUPINGS),
  /** Limit the tree to sessions with packets this display filter shows ('' = all sessions). */
  filter: z.string().max(10_000).default(''),
  /** Quick search over addresses, ports, protocol, application, category, name, country, ASN. */
  search: z.string().max(200).default(''),
};

export const sessionsMethods = {
  /** Rows [start, start+count) of the flattened session tree with the `expanded` nodes open. */
  'sessions.tree': z
    .object({
      ...treeShape,
      expanded: z.array(nodeKey).max(2000).default([]),
      sort: z
        .object({ column: z.enum(SESSION_SORT_COLUMNS), desc: z.boolean() })
        .strict()
        .default({ column: 'bytes', desc: true }),
      start: z.number().int().min(0).max(2 ** 32),
      count: z.number().int().min(1).max(2000),
    })
    .strict(),
  /** Writes the packets of one node (those the tree counts for it) as pcap/pcapng. */
  'sessions.export': z
    .object({
      ...treeShape,
      key: nodeKey,
      format: z.enum(['pcap', 'pcapng']),
      path: z.string().min(1).max(4096).optional(),
    })
    .strict(),
} satisfies Record<string, z.ZodType>;

export type SessionRowKind = 'host' | 'peer' | 'app' | 'country' | 'protocol' | 'session';

export interface SessionTreeRow {
  /** Stable while the capture is open; expand and export name nodes by it. */
  key: string;
  depth: number;
  kind: SessionRowKind;
  label: string;
  hasChildren: boolean;
  expanded: boolean;
  sessions: number;
  packets: number;
  bytes: number;
  /**
   * Per direction. Host, peer and country rows: out = sent by the host(s), in = received. Application, protocol
   * and session rows: out = from the session's A side (its initiator) to its B side.
   */
  pktsOut: number;
  bytesOut: number;
  pktsIn: number;
  bytesIn: number;
  /** Seconds since the capture's first packet. */
  start: number;
  end: number;
  duration: number;
  proto: string;
  /** Application (groups: the one with the most bytes) and the number of distinct applications. */
  app: string;
  apps: number;
  category: string;
  /** SNI / HTTP host / DNS-learned name. */
  name: string;
  /** ISO 3166 code or address range label ("private" …); '' unknown. */
  country: string;
  asn: number;
  org: string;
  /** Display filter selecting this node's packets. */
  filter: string;
  firstPacket: number;
}

export interface SessionResults {
  'sessions.tree': {
    total: number;
    start: number;
    rows: SessionTreeRow[];
    /** Sessions in the tree (limited by the filter and the search). */
    sessions: number;
    /** False while the display filter is still being applied to indexed packets (ask again). */
    complete: boolean;
  };
  'sessions.export': { written: number; path?: string; downloadUrl?: string };
}

/** Methods of this view that write a file (the desktop app asks for the path with a save dialog). */
export const sessionsOutputs: readonly string[] = ['sessions.export'];
