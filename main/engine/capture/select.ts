/**
 * Selecting packets with a display filter over an indexed capture: the column tier decides most packets, the
 * rest are re-dissected in tree mode from the file.
 */
import { MODE_TREE } from '../dissect/dissection';
import { CompiledFilter, filterPackets, FilterRunStats } from '../filter';
import type { CaptureIndex } from './capture-index';
import { PacketAccess } from './packet-access';

/** 1-based numbers of the packets matching `filter`, in capture order. */
export function selectPackets(index: CaptureIndex, filter: CompiledFilter, stats?: FilterRunStats): Uint32Array {
  const access = new PacketAccess(index);
  return filterPackets(
    index,
    filter,
    (i) => {
      const d = access.dissect(i, MODE_TREE, filter.scope);
      return { tree: d.tree ?? [], data: d.frameData };
    },
    stats,
  );
}

/**
 * Decides one stored packet (for streaming consumers that print as they index). `data`: the packet's bytes
 * when the caller holds them (the index pass's record), so they are not read again.
 */
export function packetMatches(index: CaptureIndex, access: PacketAccess, filter: CompiledFilter, i: number, data?: Uint8Array): boolean {
  const byColumns = filter.evaluateColumns(index, i);
  if (byColumns !== undefined) return byColumns;
  const d = access.dissect(i, MODE_TREE, filter.scope, data);
  return filter.evaluateTree(d.tree ?? [], index, i, d.frameData);
}
