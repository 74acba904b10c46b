/**
 * What every capture reader yields. Readers are pull-based and synchronous (`next()`), read the file in large
 * chunks, and hand out one reused PacketRecord whose `data` view is valid only until the next call: the index
 * pass allocates nothing per packet.
 */

export type CaptureFormat = 'pcap' | 'pcapng';

export interface InterfaceInfo {
  /** Global index across all sections (what the store's interface column and PacketRecord.ifId hold). */
  readonly id: number;
  /**
   * Section number (0-based) and index within the section, as pcapng numbers them. The index is what users
   * see (`frame.interface_id`, list --json `iface`), as in tshark.
   */
  readonly section: number;
  readonly indexInSection: number;
  readonly linkType: number;
  readonly snaplen: number;
  name?: string;
  description?: string;
  /** Timestamp unit: 10^-tsresolDigits or 2^-n seconds. */
  readonly tsResolution: { base: 10 | 2; exponent: number };
  /** Seconds added to every timestamp (if_tsoffset). */
  readonly tsOffset: number;
  /** Interface statistics from the last ISB seen for it, when any. */
  stats?: InterfaceStats;
}

export interface InterfaceStats {
  /** Timestamp of the ISB, in seconds (may be fractional). */
  time?: number;
  received?: bigint;
  droppedByInterface?: bigint;
  acceptedByFilter?: bigint;
  droppedByOs?: bigint;
  deliveredToUser?: bigint;
}

export interface PacketRecord {
  /** 1-based packet number. */
  number: number;
  /** Byte offset of the packet data in the file (what the store keeps to re-read it). */
  dataOffset: number;
  /** Byte offset of the record header / block that holds it (for errors and exports). */
  recordOffset: number;
  /** Length of the whole record/block in bytes. */
  recordLength: number;
  /** Captured bytes; a view into the reader's chunk buffer, valid until the next `next()` call. */
  data: Uint8Array;
  caplen: number;
  /** Original length on the wire. */
  len: number;
  /** Timestamp: whole seconds since the epoch (may exceed 2^32) and nanoseconds. */
  tsSec: number;
  tsNsec: number;
  /** Global interface id (see InterfaceInfo.id); 0 for pcap. */
  ifId: number;
  linkType: number;
  /** pcapng per-packet comments (opt_comment); undefined when none. */
  comments: string[] | undefined;
}

export interface ReaderError {
  /** What is wrong, in words a user can act on. */
  readonly message: string;
  /** File byte offset where the problem starts. */
  readonly offset: number;
  /** Number of the packet that could not be read (the one after the last good one). */
  readonly packet: number;
  /** Fatal errors end reading; others (an unknown block type skipped) do not. */
  readonly fatal: boolean;
}

export interface CaptureReader {
  readonly format: CaptureFormat;
  readonly path: string;
  /** Interfaces known so far (pcapng adds them as IDBs are read; pcap has exactly one). */
  readonly interfaces: InterfaceInfo[];
  /** Section header comments and other file-level comments. */
  readonly comments: string[];
  /** pcapng Name Resolution Blocks seen so far: host name → addresses (text form). Absent for pcap. */
  readonly names?: ReadonlyMap<string, readonly string[]>;
  /** Problems met so far; reading stops at the first fatal one, keeping every packet before it. */
  readonly errors: ReaderError[];
  /** Byte offset up to which the file has been consumed. */
  readonly position: number;
  /** Size of the file when last looked at. */
  readonly fileSize: number;
  /**
   * Returns the next packet, or null at the end of the data available now. When `follow` was set at open,
   * a partial record at the end is not an error: the next call after the file grew continues there.
   */
  next(): PacketRecord | null;
  /** Reads `length` bytes at `offset` (random access for re-dissection). */
  readAt(offset: number, length: number): Uint8Array;
  close(): void;
}

export interface OpenOptions {
  /** Follow a growing file: a partial record at the end means "wait", not "damaged". */
  follow?: boolean;
  /** Chunk size for sequential reading (default 4 MiB). */
  chunkSize?: number;
}
