/**
 * The one message contract between the UI and the engine. The renderer knows nothing else about the engine;
 * Electron IPC (main relays to the worker) and the WebSocket of `wirelens serve` are two transports of it.
 *
 * Client → engine: `request` (with an id) and `cancel`. Engine → client: `response` (same id) and `event`
 * (pushed, batched: at most ~10 a second). Every client message is validated with these schemas before the
 * engine sees it; a message that fails validation is answered with an error and changes nothing.
 */
import { z } from 'zod';
import { callsMethods, callsOutputs, type CallResults } from './views/calls';
import { dataMethods, dataOutputs, type DataResults } from './views/data';
import { logsMethods, logsOutputs, type LogResults } from './views/logs';
import { sessionsMethods, sessionsOutputs, type SessionResults } from './views/sessions';
import { statsMethods, statsOutputs, type StatsResults } from './views/stats';
import { streamMethods, streamOutputs, type StreamResults } from './views/stream';

// ---------------------------------------------------------------------------------------------------------
// Request parameters and results, per method.

const int = z.number().int();
const packetNumber = int.min(1).max(2 ** 32);
const exportFormat = z.enum(['pcap', 'pcapng']);

const coreMethods = {
  /** Opens a capture file (replaces the current one). Rows become available while it is being indexed. */
  'capture.open': z.object({ path: z.string().min(1).max(4096) }).strict(),
  'capture.close': z.object({}).strict(),
  /** The current state (same shape as the `status` event). */
  'capture.status': z.object({}).strict(),
  /** Rows [start, start+count) of the displayed packets (all packets when no filter is applied). */
  'packets.rows': z.object({ start: int.min(0), count: int.min(1).max(2000) }).strict(),
  /** Position of packet `number` among the displayed packets, or -1 (Go to packet). */
  'packets.indexOf': z.object({ number: packetNumber }).strict(),
  /** The detail tree and bytes of one packet. */
  'packet.detail': z.object({ number: packetNumber }).strict(),
  /** Validates a display filter without applying it (the filter bar's colour). */
  'filter.check': z.object({ expr: z.string().max(10_000) }).strict(),
  /** Applies a display filter ('' clears it). A newer apply cancels an older one still running. */
  'filter.apply': z.object({ expr: z.string().max(10_000) }).strict(),
  /**
   * Exports packets. `path` is honoured only where the transport allows choosing files (Electron's save
   * dialog in main, or `serve --root`); otherwise the result carries a one-time download URL.
   */
  'export.packets': z
    .object({
      scope: z.enum(['all', 'displayed', 'range', 'marked']),
      /** For 'range': first and last packet number, inclusive. */
      from: packetNumber.optional(),
      to: packetNumber.optional(),
      /** For 'marked': the packet numbers. */
      numbers: z.array(packetNumber).max(10_000_000).optional(),
      format: exportFormat,
      path: z.string().min(1).max(4096).optional(),
    })
    .strict(),
  /** Lists a directory for the browser's Open dialog (serve mode; limited to --root). */
  'files.list': z.object({ dir: z.string().max(4096).optional() }).strict(),
  /** Network interfaces for live capture. */
  'live.interfaces': z.object({}).strict(),
  /** Compiles a BPF capture filter for an interface; returns libpcap's error text when it is invalid. */
  'live.checkFilter': z.object({ iface: z.string().min(1).max(256), bpf: z.string().max(10_000) }).strict(),
  /** Starts a live capture; packets spool to a pcapng file that the store follows. */
  'live.start': z.object({ iface: z.string().min(1).max(256), bpf: z.string().max(10_000).default('') }).strict(),
  'live.stop': z.object({}).strict(),
  /** Saves the current (live) capture as pcap/pcapng. */
  'live.save': z.object({ format: exportFormat, path: z.string().min(1).max(4096).optional() }).strict(),
  /**
   * Deletes an unsaved capture spool and its marker (the recovery banner's Discard). Only spools inside the
   * engine's spool directory are accepted; the running capture's spool is refused.
   */
  'live.discard': z.object({ path: z.string().min(1).max(4096) }).strict(),
} as const;

/** Every method: the core ones above and each analysis view's (shared/views/*.ts, one file per view). */
export const methods = {
  ...coreMethods,
  ...sessionsMethods,
  ...callsMethods,
  ...statsMethods,
  ...logsMethods,
  ...streamMethods,
  ...dataMethods,
} as const;

export type Method = keyof typeof methods;
export type Params<M extends Method> = z.input<(typeof methods)[M]>;
export type ParsedParams<M extends Method> = z.output<(typeof methods)[M]>;

export interface Row {
  number: number;
  /** Epoch seconds with full precision ("1081889803.830079000"). */
  ts: string;
  /** Seconds since the first packet, and since the previous displayed packet, as decimal strings. */
  rel: string;
  delta: string;
  src: string;
  dst: string;
  proto: string;
  len: number;
  info: string;
  /** Name of the colouring rule that matched (see renderer's colouring table), or '' for none. */
  color: string;
}

export interface DetailNode {
  label: string;
  /** Registry field name ("ip.src"); filterable when `filter` is set. */
  field: string;
  start: number;
  length: number;
  /** Index into PacketDetail.sources (0 = the frame). */
  source: number;
  /** A display filter selecting this value ("ip.src == 10.0.0.1"), when one can be written. */
  filter?: string;
  /** The value as text, for Copy value. */
  value?: string;
  children?: DetailNode[];
}

export interface PacketDetail {
  number: number;
  tree: DetailNode[];
  /** Byte sources: [0] is the frame; reassembled buffers follow. Base64. */
  sources: { name: string; bytes: string }[];
}

export interface FilterProblem {
  message: string;
  start: number;
  end: number;
  suggestions?: string[];
}

export interface Status {
  path: string | null;
  format: string | null;
  fileSize: number;
  bytesRead: number;
  packets: number;
  sessions: number;
  /** Packets shown with the current filter (== packets without one). */
  displayed: number;
  filter: string;
  /** Still indexing the file (or following a live capture). */
  indexing: boolean;
  /** Still applying the filter. */
  filtering: boolean;
  /** A live capture is running: true from live.start until live.stop has finished (the capture's file is open). */
  live: boolean;
  /** First packet's time (epoch string) for relative times; null before the first packet. */
  firstTs: string | null;
  error: string | null;
}

export interface CaptureStats {
  running: boolean;
  iface: string;
  received: number;
  droppedKernel: number;
  droppedInterface: number;
  droppedApp: number;
  packetsPerSecond: number;
  spoolPath: string | null;
}

export interface NetInterface {
  name: string;
  description: string;
  addresses: string[];
  loopback: boolean;
}

export interface RecoverySpool {
  path: string;
  size: number;
  modified: string;
}

export interface FileEntry {
  name: string;
  path: string;
  dir: boolean;
  size: number;
}

export interface Results extends SessionResults, CallResults, StatsResults, LogResults, StreamResults, DataResults {
  'capture.open': Status;
  'capture.close': Status;
  'capture.status': Status;
  'packets.rows': { start: number; rows: Row[]; displayed: number };
  'packets.indexOf': { index: number };
  'packet.detail': PacketDetail;
  'filter.check': { ok: boolean; error?: FilterProblem };
  'filter.apply': { ok: boolean; error?: FilterProblem; displayed: number };
  'export.packets': { written: number; path?: string; downloadUrl?: string };
  'files.list': { dir: string; parent: string | null; entries: FileEntry[] };
  'live.interfaces': { available: boolean; reason?: string; interfaces: NetInterface[] };
  'live.checkFilter': { ok: boolean; error?: string };
  'live.start': CaptureStats;
  'live.stop': CaptureStats;
  'live.save': { written: number; path?: string; downloadUrl?: string };
  /** The spools still offered for recovery after the discard (the same list a `recovery` event carries). */
  'live.discard': { discarded: string; spools: RecoverySpool[] };
}

// ---------------------------------------------------------------------------------------------------------
// Events (engine → client), batched by the engine to at most ~10 a second.

export interface Events {
  status: Status;
  captureStats: CaptureStats;
  /** A capture spool from an earlier run was found that was never saved (also sent after a discard). */
  recovery: { spools: RecoverySpool[] };
}
export type EventName = keyof Events;

// ---------------------------------------------------------------------------------------------------------
// Envelopes.

export const clientMessage = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('request'),
      id: int.min(0).max(Number.MAX_SAFE_INTEGER),
      method: z.string().max(64),
      params: z.unknown(),
    })
    .strict(),
  z.object({ kind: z.literal('cancel'), id: int.min(0).max(Number.MAX_SAFE_INTEGER) }).strict(),
]);
export type ClientMessage = z.infer<typeof clientMessage>;

/**
 * Methods that write a file and take an optional `path` and a `format`: in the desktop app the renderer may not
 * name the path, main asks with a save dialog (extension = format) and forwards the request with it.
 */
export const OUTPUT_METHODS: ReadonlySet<string> = new Set<string>([
  'export.packets',
  'live.save',
  ...sessionsOutputs,
  ...callsOutputs,
  ...statsOutputs,
  ...logsOutputs,
  ...streamOutputs,
  ...dataOutputs,
]);

export type ErrorCode = 'invalid' | 'failed' | 'cancelled' | 'forbidden' | 'unavailable';

export type ServerMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: { code: ErrorCode; message: string } }
  | { kind: 'event'; event: EventName; data: unknown };

export type ValidRequest = { [M in Method]: { kind: 'request'; id: number; method: M; params: ParsedParams<M> } }[Method];

/**
 * Validates one raw client message (already JSON-parsed). Returns the typed request/cancel, or an error text
 * that names what was wrong; never throws.
 */
export function validateClientMessage(
  raw: unknown,
): { ok: true; message: ValidRequest | { kind: 'cancel'; id: number } } | { ok: false; id: number | null; error: string } {
  const env = clientMessage.safeParse(raw);
  if (!env.success) return { ok: false, id: idOf(raw), error: `malformed message: ${summarize(env.error)}` };
  const msg = env.data;
  if (msg.kind === 'cancel') return { ok: true, message: msg };
  if (!Object.prototype.hasOwnProperty.call(methods, msg.method)) {
    return { ok: false, id: msg.id, error: `unknown method "${msg.method}"` };
  }
  const method = msg.method as Method;
  const params = methods[method].safeParse(msg.params ?? {});
  if (!params.success) return { ok: false, id: msg.id, error: `invalid parameters for ${method}: ${summarize(params.error)}` };
  return { ok: true, message: { kind: 'request', id: msg.id, method, params: params.data } as ValidRequest };
}

function idOf(raw: unknown): number | null {
  if (raw !== null && typeof raw === 'object' && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  }
  return null;
}

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(message)'}: ${i.message}`)
    .join('; ');
}

/** Messages larger than this are refused before parsing (a row request is tiny; marked lists can be long). */
export const MAX_MESSAGE_BYTES = 64 << 20;
/** The engine pushes `status` / `captureStats` at most this often. */
export const EVENT_INTERVAL_MS = 100;
