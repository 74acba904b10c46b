/**
 * What the writers need from a packet. A reader's PacketRecord satisfies it as is, so export is
 * `for (let r; (r = reader.next()); ) writer.writePacket(r)`.
 */
export interface WritablePacket {
  readonly data: Uint8Array;
  readonly tsSec: number;
  readonly tsNsec: number;
  /** Original length on the wire; defaults to data.length. */
  readonly len?: number;
  /** Interface id as given to the pcapng writer (ignored by pcap); defaults to 0. */
  readonly ifId?: number;
  /** Per-packet comments (pcapng only). */
  readonly comments?: readonly string[] | undefined;
}
