/**
 * Which application protocols a packet holds, as a 32-bit mask the index pass stores per packet, so a display
 * filter on `dns.qry.name` or `http.request` re-dissects only packets that can hold those fields.
 *
 * A decoder links its Protocol-column ids to the protocol fields whose nodes it produces (`DNS` to `dns`,
 * `QUIC` to `quic` and `tls`, whose handshake it carries). Setting such a column (Dissection.setProtocol, in
 * every mode) sets the linked protocols' bits. A protocol that is never linked has no bit and a filter on it
 * re-dissects as before: linking is an optimisation that must never hide a field, and
 * test/unit/protocol-presence.test.ts checks on every fixture that a linked protocol's fields never occur in a
 * packet whose mask lacks its bit.
 */
import type { FieldDef } from './fields';

const bitOfField = new Map<number, number>();
/** Column id → bits of the protocols linked to it (0 when unlinked). */
const columnBits: number[] = [];

/** Declares that a packet whose Protocol column was set to `column` holds nodes of `protocols`. */
export function linkProtocolColumn(column: number, ...protocols: FieldDef[]): void {
  let bits = columnBits[column] ?? 0;
  for (const p of protocols) {
    let bit = bitOfField.get(p.id);
    if (bit === undefined) {
      // More than 32 linked protocols share bits: a shared bit only costs extra re-dissections.
      bit = 1 << (bitOfField.size % 32);
      bitOfField.set(p.id, bit);
    }
    bits |= bit;
  }
  columnBits[column] = bits;
}

/** The presence bits a Protocol column sets (0 for an unlinked column). */
export function columnPresenceBits(column: number): number {
  return columnBits[column] ?? 0;
}

/** The presence bit of protocol field `protocolFieldId`, 0 when no column is linked to it (presence unknown). */
export function protocolPresenceBit(protocolFieldId: number): number {
  return bitOfField.get(protocolFieldId) ?? 0;
}
