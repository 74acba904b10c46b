/**
 * The facts of one SIP message that dialog assembly needs, read from the `sip` subtree the SIP decoder builds
 * (Wireshark's field names: sip.Method, sip.Status-Code, sip.Call-ID, sip.CSeq.seq/.method, sip.from.addr,
 * sip.to.addr and their tags). One walk over the subtree collects them all; an `sdp` subtree inside means the
 * message carries a session description (an offer or an answer).
 */
import type { TreeNode } from '../dissect/tree';

export interface SipMessage {
  /** Request method ('' for a response). */
  method: string;
  /** Status code (0 for a request). */
  status: number;
  /** Reason phrase of a response ("Ringing"). */
  reason: string;
  callId: string;
  cseq: number;
  cseqMethod: string;
  /** From / To URIs (sip.from.addr, sip.to.addr) and tags ('' when absent). */
  from: string;
  to: string;
  fromTag: string;
  toTag: string;
  userAgent: string;
  sdp: boolean;
}

export function emptySipMessage(): SipMessage {
  return clearSipMessage({ method: '', status: 0, reason: '', callId: '', cseq: -1, cseqMethod: '', from: '', to: '', fromTag: '', toTag: '', userAgent: '', sdp: false });
}

/** Resets a reused message (the tree reader and the byte scanner both fill one in place). */
export function clearSipMessage(m: SipMessage): SipMessage {
  m.method = '';
  m.status = 0;
  m.reason = '';
  m.callId = '';
  m.cseq = -1;
  m.cseqMethod = '';
  m.from = '';
  m.to = '';
  m.fromTag = '';
  m.toTag = '';
  m.userAgent = '';
  m.sdp = false;
  return m;
}

/** Fills `out` from a `sip` subtree; false when it has no Call-ID (not a message a dialog can own). */
export function readSipMessage(sip: TreeNode, out: SipMessage): boolean {
  const m = clearSipMessage(out);
  let statusLine = '';
  const walk = (n: TreeNode): void => {
    const v = n.value;
    switch (n.field.name) {
      case 'sip.Method':
        if (m.method === '' && typeof v === 'string') m.method = v;
        break;
      case 'sip.Status-Code':
        if (m.status === 0 && typeof v === 'number') m.status = v;
        break;
      case 'sip.Status-Line':
        if (statusLine === '' && typeof v === 'string') statusLine = v;
        break;
      case 'sip.Call-ID':
        if (m.callId === '' && typeof v === 'string') m.callId = v;
        break;
      case 'sip.CSeq.seq':
        if (m.cseq < 0 && typeof v === 'number') m.cseq = v;
        break;
      case 'sip.CSeq.method':
        if (m.cseqMethod === '' && typeof v === 'string') m.cseqMethod = v;
        break;
      case 'sip.from.addr':
        if (m.from === '' && typeof v === 'string') m.from = v;
        break;
      case 'sip.to.addr':
        if (m.to === '' && typeof v === 'string') m.to = v;
        break;
      case 'sip.from.tag':
        if (m.fromTag === '' && typeof v === 'string') m.fromTag = v;
        break;
      case 'sip.to.tag':
        if (m.toTag === '' && typeof v === 'string') m.toTag = v;
        break;
      case 'sip.User-Agent':
        if (m.userAgent === '' && typeof v === 'string') m.userAgent = v;
        break;
      case 'sdp':
        m.sdp = true;
        return; // nothing of ours inside the body
    }
    if (n.children !== null) for (const c of n.children) walk(c);
  };
  walk(sip);
  if (m.status > 0) {
    // "SIP/2.0 180 Ringing" → "Ringing"
    const r = /^\S+\s+\d{3}\s*(.*)$/.exec(statusLine);
    m.reason = r !== null ? (r[1] ?? '') : '';
  }
  return m.callId !== '' && (m.method !== '' || m.status > 0);
}

/** The `sip` subtrees of a packet's detail tree (several when a TCP segment carries several messages). */
export function sipNodes(tree: readonly TreeNode[] | null, out: TreeNode[] = []): TreeNode[] {
  if (tree === null) return out;
  for (const n of tree) {
    if (n.field.name === 'sip') out.push(n);
    else sipNodes(n.children, out);
  }
  return out;
}
