/**
 * Contract methods of the calls view (merged into shared/contract.ts's `methods` and `Results`): the SIP
 * dialogs of the open capture (one per Call-ID) as a sortable, filterable list, one dialog's call-flow ladder,
 * and the export of a call's SIP and RTP packets.
 * Parameters are zod schemas (validated before the engine sees them); results are plain types.
 */
import { z } from 'zod';

const int = z.number().int();

export const CALL_STATES = ['calling', 'ringing', 'in call', 'completed', 'cancelled', 'rejected', 'failed'] as const;
export type CallStateName = (typeof CALL_STATES)[number];

export const CALL_SORT_KEYS = [
  'start', 'callId', 'method', 'from', 'to', 'state', 'status', 'setup', 'duration', 'messages', 'streams', 'lost', 'jitter', 'transport',
] as const;
export type CallSortKey = (typeof CALL_SORT_KEYS)[number];

/** A dialog by its position in the list of dialogs (stable for the open capture: dialogs are only appended). */
const callRef = int.min(0).max(2 ** 31);

export const callsMethods = {
  /**
   * Rows [start, start+count) of the dialogs, sorted and filtered. Answers from what is indexed so far (and
   * catches up with new packets first, within a bounded time: `complete` says whether it did).
   */
  'calls.list': z
    .object({
      start: int.min(0),
      count: int.min(1).max(1000),
      sort: z.enum(CALL_SORT_KEYS).default('start'),
      desc: z.boolean().default(false),
      /** Case-insensitive text matched against Call-ID, From, To, method, state, status, endpoints, transport and User-Agent. */
      filter: z.string().max(1000).default(''),
      /** Only these states (empty: all). */
      states: z.array(z.enum(CALL_STATES)).max(CALL_STATES.length).default([]),
      /** Only dialogs started by an INVITE (calls), not REGISTER / OPTIONS / SUBSCRIBE … */
      invitesOnly: z.boolean().default(false),
    })
    .strict(),
  /** The call-flow ladder of one dialog: its endpoints, every SIP message in time order, its RTP streams. */
  'calls.flow': z.object({ call: callRef }).strict(),
  /** Writes the dialog's packets (SIP, the TCP segments / IP fragments they came in, RTP and RTCP) to a file. */
  'calls.export': z
    .object({ call: callRef, format: z.enum(['pcap', 'pcapng']), path: z.string().min(1).max(4096).optional() })
    .strict(),
} satisfies Record<string, z.ZodType>;

/** One RTP stream of a call (tshark's `-z rtp,streams` figures for it). */
export interface CallStream {
  src: string;
  sport: number;
  dst: string;
  dport: number;
  ssrc: number;
  /** Payload names ("g711U", "telephone-event"). */
  codec: string;
  packets: number;
  expected: number;
  lost: number;
  lostPercent: number;
  /** Milliseconds (RFC 3550 interarrival jitter, as tshark). */
  maxJitter: number;
  meanJitter: number;
  maxDelta: number;
  /** Seconds since the capture's first packet. */
  start: number;
  end: number;
  firstFrame: number;
  lastFrame: number;
  problem: boolean;
}

export interface CallRow {
  /** Reference for calls.flow / calls.export. */
  id: number;
  callId: string;
  /** Method of the request that started the dialog (INVITE for calls). */
  method: string;
  from: string;
  to: string;
  /** Caller and callee signalling endpoints ("10.0.0.1:5060"). */
  caller: string;
  callee: string;
  state: CallStateName;
  /** Final status code that decided the state (0 none yet). */
  status: number;
  /** UDP / TCP / … of the signalling (joined with "+" when it changed). */
  transport: string;
  /** First message: seconds since the capture's first packet, and epoch time ("1081889803.830079000"). */
  start: number;
  startTs: string;
  /** First INVITE to its 2xx answer, seconds (null: not answered). */
  setup: number | null;
  /** Answer to BYE (or to the call's last packet while it lasts), seconds (null: not answered). */
  duration: number | null;
  /** SIP messages (retransmissions included). */
  messages: number;
  /** Packets of the dialog: SIP and RTP/RTCP. */
  packets: number;
  streams: CallStream[];
  /** Totals over the streams: lost packets, worst max jitter (ms). */
  lost: number;
  maxJitter: number;
  userAgent: string;
}

export interface CallMessage {
  number: number;
  /** Seconds since the capture's first packet. */
  time: number;
  /** Indices into CallFlow.endpoints. */
  from: number;
  to: number;
  request: boolean;
  /** "INVITE", "180 Ringing" (+ " (SDP)" when it carries a session description). */
  label: string;
  method: string;
  status: number;
  cseq: string;
  sdp: boolean;
}

export interface CallSpan extends CallStream {
  /** Indices into CallFlow.endpoints. */
  from: number;
  to: number;
}

export interface CallFlow {
  call: CallRow;
  /** Columns of the ladder, "IP:port" (IPv6 in brackets), in order of first appearance. */
  endpoints: string[];
  messages: CallMessage[];
  rtp: CallSpan[];
  /** More messages than a ladder shows: the first ones are given. */
  truncated: boolean;
  /** A display filter selecting the dialog's SIP messages and its RTP/RTCP packets. */
  filter: string;
}

export interface CallResults {
  'calls.list': {
    start: number;
    rows: CallRow[];
    /** Dialogs passing the filter, and all dialogs. */
    total: number;
    all: number;
    /** False when packets indexed so far are not all looked at yet (ask again: the list grows). */
    complete: boolean;
  };
  'calls.flow': CallFlow;
  'calls.export': { written: number; path?: string; downloadUrl?: string };
}

/** Methods of this view that write a file (the desktop app asks for the path with a save dialog). */
export const callsOutputs: readonly string[] = ['calls.export'];
