/**
 * Dispatch tables, gopacket-style: a decoder registers itself under a link type, an ethertype, an IP protocol
 * number or a port, and the decoder below looks its payload up here. Adding an application protocol is one
 * `register` call in the new protocol's own file.
 */
import type { Dissection } from './dissection';

/** Decodes bytes [off, end) of `d.buf` and dispatches its payload onward. Must not throw on bad input. */
export type Decoder = (d: Dissection, off: number, end: number) => void;

export interface Heuristic {
  readonly name: string;
  /** Returns true when it recognised and decoded the payload. */
  readonly decode: (d: Dissection, off: number, end: number) => boolean;
}

export class DispatchTable {
  private readonly map = new Map<number, Decoder>();
  constructor(readonly name: string) {}
  register(key: number, decoder: Decoder): void {
    this.map.set(key, decoder);
  }
  get(key: number): Decoder | undefined {
    return this.map.get(key);
  }
  has(key: number): boolean {
    return this.map.has(key);
  }
}

export const linkTypeTable = new DispatchTable('link type');
export const etherTypeTable = new DispatchTable('ethertype');
export const ipProtoTable = new DispatchTable('IP protocol');
export const tcpPortTable = new DispatchTable('TCP port');
export const udpPortTable = new DispatchTable('UDP port');
/** Tried in order on TCP/UDP payloads that no port claimed. */
export const udpHeuristics: Heuristic[] = [];
export const tcpHeuristics: Heuristic[] = [];

/**
 * Application protocols carried as a byte stream over TCP (DNS over TCP, HTTP, TLS, SIP over TCP): they
 * declare how long a message is, and the stream layer hands them whole messages even when a message spans
 * several segments (Wireshark's "desegmentation").
 */
export interface StreamProtocol {
  readonly name: string;
  /**
   * Length of the message that starts at `buf[off]`, given the bytes [off, end) available so far:
   * > 0 the whole length; 0 not known yet (more bytes needed); -1 these bytes are not this protocol.
   */
  messageLength(buf: Uint8Array, off: number, end: number): number;
  /** Decodes exactly one whole message [off, end). */
  readonly decode: Decoder;
}

/** Stream protocols by TCP port (the lower port is tried first, as for tcpPortTable). */
export const tcpStreamTable = new Map<number, StreamProtocol>();
/** Recognise a stream protocol from the first bytes of a direction (e.g. TLS on a non-standard port). */
export const tcpStreamHeuristics: { readonly name: string; detect(buf: Uint8Array, off: number, end: number): StreamProtocol | null }[] = [];
