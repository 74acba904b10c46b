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
