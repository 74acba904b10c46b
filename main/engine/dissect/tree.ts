/**
 * Detail-tree nodes. Produced only when a packet is dissected in tree mode (the rows on screen, a costly
 * filter term), never during indexing.
 */
import type { FieldDef } from './fields';

export type FieldValue = number | bigint | string | boolean | Uint8Array | null;

export interface TreeNode {
  readonly field: FieldDef;
  /** Byte range within the packet data (or within `source` when it is a reassembled buffer). */
  readonly start: number;
  readonly length: number;
  readonly value: FieldValue;
  /** Display text as the detail tree shows it, e.g. "Source Address: 10.0.0.1". */
  label: string;
  children: TreeNode[] | null;
  /** Name of the reassembled data source the range refers to; undefined means the frame itself. */
  source?: string;
}
