import type { CaptureFormat, CaptureReader, InterfaceInfo, OpenOptions, PacketRecord, ReaderError } from './record';
import { ChunkedFile, DEFAULT_CHUNK_SIZE } from './chunked-file';

/**
 * The bookkeeping every format reader shares: the chunked file, the one reused PacketRecord, the error list
 * with "stop after the first fatal error", and the follow-mode rule that a partial record at the end means
 * "wait for more", not "damaged".
 */
export abstract class ReaderBase implements CaptureReader {
  abstract readonly format: CaptureFormat;
  readonly interfaces: InterfaceInfo[] = [];
  readonly comments: string[] = [];
  readonly errors: ReaderError[] = [];
  protected readonly file: ChunkedFile;
  protected readonly follow: boolean;
  /** Next unread byte. */
  protected pos = 0;
  /** Packets handed out so far. */
  protected count = 0;
  protected stopped = false;
  /** Set when the last call hit the end of the data (follow mode re-checks the size next time). */
  private atEnd = false;
  /** The single record object handed out by next(), created with every field so its shape never changes. */
  protected readonly rec: PacketRecord = {
    number: 0,
    dataOffset: 0,
    recordOffset: 0,
    recordLength: 0,
    data: new Uint8Array(0),
    caplen: 0,
    len: 0,
    tsSec: 0,
    tsNsec: 0,
    ifId: 0,
    linkType: 0,
    comments: undefined,
  };

  constructor(
    readonly path: string,
    opts: OpenOptions | undefined,
  ) {
    this.file = new ChunkedFile(path, opts?.chunkSize ?? DEFAULT_CHUNK_SIZE);
    this.follow = opts?.follow === true;
  }

  get position(): number {
    return this.pos;
  }

  get fileSize(): number {
    return this.file.size;
  }

  next(): PacketRecord | null {
    if (this.stopped) return null;
    if (this.atEnd && this.follow) {
      try {
        this.file.refreshSize();
      } catch (e) {
        this.fatal(`cannot re-check the file size: ${e instanceof Error ? e.message : String(e)}`, this.pos);
        return null;
      }
    }
    try {
      const rec = this.readNext();
      this.atEnd = rec === null;
      return rec;
    } catch (e) {
      // Only I/O failures can land here (parsing never throws); next() must not throw, so it becomes fatal.
      this.fatal(`read error: ${e instanceof Error ? e.message : String(e)}`, this.pos);
      return null;
    }
  }

  readAt(offset: number, length: number): Uint8Array {
    return this.file.readAt(offset, length);
  }

  close(): void {
    this.stopped = true;
    this.file.close();
  }

  /** Format-specific: parse from `pos`, return the filled `rec`, or null at the end of the available data. */
  protected abstract readNext(): PacketRecord | null;

  /** Records a fatal error and stops reading; returns null so callers can `return this.fatal(...)`. */
  protected fatal(message: string, offset: number): null {
    this.errors.push({ message, offset, packet: this.count + 1, fatal: true });
    this.stopped = true;
    return null;
  }

  protected warn(message: string, offset: number): void {
    this.errors.push({ message, offset, packet: this.count + 1, fatal: false });
  }

  /**
   * `need` bytes at `offset` are not all in the file. With follow, that is just "not yet" (nothing consumed);
   * otherwise the file was cut short. Zero bytes left at a record boundary is a clean end.
   */
  protected incomplete(offset: number, need: number, what: string): null {
    const present = Math.max(0, this.file.size - offset);
    if (this.follow || present === 0) return null;
    return this.fatal(
      `file ends in the middle of ${what} ${this.count + 1} (record at byte offset ${offset}: ` +
        `needs ${need} bytes, ${present} present)`,
      offset,
    );
  }
}
