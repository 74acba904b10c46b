/**
 * Contract methods of the stream view (merged into shared/contract.ts's `methods` and `Results`).
 * Parameters are zod schemas (validated before the engine sees them); results are plain types.
 *
 * Follow stream: one TCP or UDP session's payload in both directions, in tshark's follow order, paged by
 * chunk (one chunk per segment/datagram that contributed bytes) so a huge stream is never sent at once.
 * Direction 'client' is node 0 → node 1 (the sender of the session's first packet is the client, as in
 * tshark's "Node 0"), 'server' the other way.
 */
import { z } from 'zod';

const int = z.number().int();
const sessionId = int.min(0).max(2 ** 32);
const direction = z.enum(['both', 'client', 'server']);

export const streamMethods = {
  /** The TCP/UDP session packet `number` belongs to (null when it has none that can be followed). */
  'stream.sessionOf': z.object({ number: int.min(1).max(2 ** 32) }).strict(),
  /** Chunks [start, start+count) of the session's stream in `direction`; stops early past ~1 MiB of data. */
  'stream.follow': z
    .object({
      session: sessionId,
      direction: direction.default('both'),
      start: int.min(0).default(0),
      count: int.min(1).max(5000).default(500),
    })
    .strict(),
  /**
   * Saves the stream's bytes in `direction` (both: in stream order, as Wireshark's "Save as… Raw" of the entire
   * conversation): `bin` the raw bytes, `txt` the ASCII view (non-printable bytes as '.').
   */
  'stream.save': z
    .object({
      session: sessionId,
      direction: direction.default('both'),
      format: z.enum(['bin', 'txt']),
      path: z.string().min(1).max(4096).optional(),
    })
    .strict(),
} satisfies Record<string, z.ZodType>;

export type FollowDirection = z.infer<typeof direction>;

export interface FollowNode {
  host: string;
  port: number;
}

export interface StreamChunk {
  /** 0: client → server (node 0 → node 1), 1: server → client. */
  dir: 0 | 1;
  /** The frame the bytes came from (the packet list's No.). */
  frame: number;
  /** Bytes of the same direction before this chunk. */
  offset: number;
  /** The bytes, base64. Empty for a missing-bytes marker. */
  data: string;
  /** Bytes the receiver acknowledged that the capture lacks (tshark's "[N bytes missing in capture file]"). */
  missing?: number;
}

export interface FollowResult {
  session: number;
  proto: 'tcp' | 'udp';
  /** The display filter that isolates the stream ("tcp.stream eq 3"). */
  filter: string;
  /** Node 0 (client) and node 1 (server); null before the session's first packet was read. */
  nodes: [FollowNode, FollowNode] | null;
  /** Payload bytes per direction [client → server, server → client], of the part read so far. */
  bytes: [number, number];
  /** Chunks in `direction` known so far (all of them once `complete`). */
  total: number;
  start: number;
  chunks: StreamChunk[];
  /** Every packet of the session was read and the capture is not growing: totals are final. */
  complete: boolean;
}

export interface StreamResults {
  'stream.sessionOf': { session: number | null; proto: 'tcp' | 'udp' | null; stream: number | null; filter: string | null };
  'stream.follow': FollowResult;
  'stream.save': { written: number; path?: string; downloadUrl?: string };
}

/** Methods of this view that write a file (the desktop app asks for the path with a save dialog). */
export const streamOutputs: readonly string[] = ['stream.save'];
