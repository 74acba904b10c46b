/**
 * One dialog's call-flow ladder: its SIP frames are dissected again (only the Call-ID's messages are kept —
 * a TCP segment may carry other dialogs' too), each message becomes an arrow between two "IP:port" columns,
 * and each RTP stream a span between its endpoints' columns. Columns come in order of first appearance:
 * the caller's signalling endpoint first.
 */
import type { CallFlow, CallMessage, CallSpan } from '../../../shared/views/calls';
import { PacketAccess } from '../capture/packet-access';
import { MODE_TREE } from '../dissect/dissection';
import type { TreeNode } from '../dissect/tree';
import { callRow, streamOf } from './call-list';
import type { Call, CallTracker } from './call-tracker';
import { emptySipMessage, readSipMessage, sipNodes } from './sip-message';

/** Arrows in one ladder at most (a dialog of keep-alive OPTIONS can run for days). */
export const MAX_LADDER_MESSAGES = 5000;

export function buildCallFlow(t: CallTracker, c: Call): CallFlow {
  const access = new PacketAccess(t.index);
  const endpoints: string[] = [];
  const column = (ep: string): number => {
    let k = endpoints.indexOf(ep);
    if (k < 0) k = endpoints.push(ep) - 1;
    return k;
  };
  if (c.caller !== '') column(c.caller);
  const messages: CallMessage[] = [];
  const m = emptySipMessage();
  const nodes: TreeNode[] = [];
  let truncated = false;
  const frames = c.sip.view();
  for (let k = 0; k < frames.length && !truncated; k++) {
    const frame = frames[k] as number;
    const i = frame - 1;
    const d = access.dissect(i, MODE_TREE);
    nodes.length = 0;
    for (const node of sipNodes(d.tree, nodes)) {
      if (!readSipMessage(node, m) || m.callId !== c.callId) continue;
      if (messages.length >= MAX_LADDER_MESSAGES) {
        truncated = true;
        break;
      }
      const request = m.method !== '';
      const base = request ? m.method : `${m.status} ${m.reason}`.trim();
      messages.push({
        number: frame,
        time: t.relTime(i),
        from: column(t.endpointOf(i, 0)),
        to: column(t.endpointOf(i, 1)),
        request,
        label: m.sdp ? `${base} (SDP)` : base,
        method: m.method,
        status: m.status,
        cseq: m.cseq >= 0 ? `${m.cseq} ${m.cseqMethod}`.trim() : '',
        sdp: m.sdp,
      });
    }
  }
  const rtp: CallSpan[] = c.rtp.streams().map((s) => {
    const st = streamOf(s);
    const ep = (addr: string, port: number): string => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);
    return { ...st, from: column(ep(s.src, s.sport)), to: column(ep(s.dst, s.dport)) };
  });
  return { call: callRow(t, c), endpoints, messages, rtp, truncated, filter: callFilter(c) };
}

/** Wireshark display-filter string literal: backslashes and quotes escaped. */
function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A display filter for the dialog: its SIP messages by Call-ID and the RTP/RTCP packets whose stream was set
 * up by one of its SDP bodies (rtp.setup-frame, as tshark writes it too).
 */
export function callFilter(c: Call): string {
  let f = `sip.Call-ID == ${quote(c.callId)}`;
  if (c.sdpFrames.length > 0) {
    const set = `{${c.sdpFrames.join(',')}}`;
    f += ` || rtp.setup-frame in ${set} || rtcp.setup-frame in ${set}`;
  }
  return f;
}
