/**
 * The session tree's public types: what a tree is built from (TreeInput), how it is grouped (GroupBy) and
 * sorted (TreeSort), and what a window of it returns (TreeWindow of TreeRow). Kept apart from the code so the
 * parts of the tree (session-tree-*.ts, session-group-*.ts) and its importers share them without importing
 * each other; session-groups.ts re-exports them.
 */
import type { SessionRowKind, SessionTreeRow } from '../../../shared/views/sessions';
import type { SessionEnrichment } from '../sessions/session-enrichment';
import type { SessionTable } from '../sessions/session-table';
import type { EndpointTable } from '../store/endpoints';
import type { SessionCounts } from './displayed-session-counts';
import type { SessionLabels } from './session-labels';
import type { SessionNodeFilters } from './session-node-filter';
import type { SessionSearch } from './session-search';

export type GroupBy = 'host' | 'app' | 'country' | 'protocol';
export type RowKind = SessionRowKind;
export const SORT_COLUMNS = [
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
export type SortColumn = (typeof SORT_COLUMNS)[number];

/** One row of the flattened tree: the contract's type, so the service hands rows over unchanged. */
export type TreeRow = SessionTreeRow;

export interface TreeWindow {
  /** Rows of the flattened tree (expanded nodes' children included). */
  total: number;
  start: number;
  rows: TreeRow[];
  /** Sessions in the tree (with a displayed packet when limited, matching the search). */
  sessions: number;
}

export interface TreeSort {
  column: SortColumn;
  desc: boolean;
}

export interface TreeInput {
  readonly sessions: SessionTable;
  readonly endpoints: EndpointTable;
  readonly enrichment: SessionEnrichment | null;
  readonly labels: SessionLabels;
  readonly filters: SessionNodeFilters;
  /** Per-session numbers: the session table itself, or the counts of displayed packets. */
  readonly counts: SessionCounts;
  /** Only sessions with a counted packet (a display filter is applied). */
  readonly limited: boolean;
  readonly search: SessionSearch | null;
  /** Time of the capture's first packet: times are shown relative to it. */
  readonly originSec: number;
  readonly originNsec: number;
}
