/**
 * The state of a SIP dialog (all messages of one Call-ID) as its transactions go by. For INVITE dialogs (calls):
 *
 *   calling   → the initial INVITE was sent (100 Trying keeps it here)
 *   ringing   → a 18x provisional answer to the initial INVITE (180 Ringing, 183 Session Progress)
 *   in call   → a 2xx answer to the initial INVITE
 *   completed → a BYE (after the answer, or ending an early dialog)
 *   cancelled → a CANCEL of the initial INVITE, or its 487 Request Terminated
 *   rejected  → a final 3xx/4xx/6xx answer to the initial INVITE (486 Busy Here, 603 Decline, 404 …)
 *   failed    → a 5xx answer or 408 Request Timeout to the initial INVITE (the network, not the callee)
 *
 * As Wireshark's VoIP calls (ui/voip_calls.c), the "initial INVITE" is the latest INVITE without a To tag from
 * the caller: a 401/407 digest challenge first rejects the call, and the INVITE sent again with credentials
 * (a new CSeq) starts the setup over, so an authenticated call ends "in call" / "completed". A re-INVITE (To
 * tag set, inside the dialog) and its answers leave the state alone, as do responses to other transactions.
 * Unlike Wireshark, which calls every final error REJECTED, server failures are told apart as "failed", and
 * 18x shows as "ringing".
 *
 * Dialogs started by another method (REGISTER, OPTIONS, SUBSCRIBE, MESSAGE …) use the same names for their
 * first transaction's outcome: calling while unanswered, then completed (2xx), rejected or failed.
 */
import type { CallStateName } from '../../../shared/views/calls';
import type { SipMessage } from './sip-message';

/** The state names are the contract's (shared/views/calls.ts CALL_STATES). */
export type CallState = CallStateName;

/** What the state machine reads and updates of a dialog. */
export interface DialogState {
  /** Method of the request that started the dialog ('' before the first request is seen). */
  method: string;
  state: CallState;
  /** CSeq number of the initial INVITE (or first request) transaction, -1 unknown. */
  cseq: number;
  /** The final status code that decided the outcome so far (0 none). */
  status: number;
  /** The caller's signalling endpoint key (see CallTracker: endpoint id and port), -1 unknown. */
  caller: number;
  /** Set when the initial INVITE was answered with 2xx (the first time only). */
  answered: boolean;
  /** Set when a BYE ended the call. */
  ended: boolean;
}

export function newDialogState(): DialogState {
  return { method: '', state: 'calling', cseq: -1, status: 0, caller: -1, answered: false, ended: false };
}

/** Outcome of a final error response to the initial transaction. */
function errorState(status: number): CallState {
  return (status >= 500 && status < 600) || status === 408 ? 'failed' : 'rejected';
}

/** What a message did to the dialog (the caller records times from it). */
export const EV_NONE = 0;
export const EV_ANSWER = 1;
export const EV_END = 2;

/**
 * Applies one message sent from endpoint `src` (same key space as `caller`). Returns EV_ANSWER when it
 * answered the call, EV_END when it ended it, else EV_NONE.
 */
export function applySipMessage(s: DialogState, m: SipMessage, src: number): number {
  if (m.method !== '') return applyRequest(s, m, src);
  return applyResponse(s, m);
}

function applyRequest(s: DialogState, m: SipMessage, src: number): number {
  if (s.method === '') {
    s.method = m.method;
    s.cseq = m.cseq;
    s.caller = src;
    s.state = 'calling';
    return EV_NONE;
  }
  if (s.method === 'INVITE') {
    if (m.method === 'INVITE') {
      // A new attempt (after a digest challenge, or a redirect followed): an INVITE outside the dialog (no To
      // tag) from the caller while the call is not established. Retransmissions carry the same CSeq.
      const restart = m.toTag === '' && src === s.caller && !s.answered && !s.ended;
      if (restart && m.cseq !== s.cseq) {
        s.cseq = m.cseq;
        s.state = 'calling';
        s.status = 0;
      }
      return EV_NONE;
    }
    if (m.method === 'CANCEL') {
      if (s.state === 'calling' || s.state === 'ringing') s.state = 'cancelled';
      return EV_NONE;
    }
    if (m.method === 'BYE') {
      if (s.state === 'in call' || s.state === 'calling' || s.state === 'ringing') {
        s.state = 'completed';
        if (!s.ended) {
          s.ended = true;
          return EV_END;
        }
      }
      return EV_NONE;
    }
    return EV_NONE;
  }
  // Another method starting over without a To tag (REGISTER refreshed with credentials): follow the new one.
  if (m.method === s.method && m.toTag === '' && src === s.caller && m.cseq !== s.cseq && s.state !== 'completed') {
    s.cseq = m.cseq;
    s.state = 'calling';
    s.status = 0;
  }
  return EV_NONE;
}

function applyResponse(s: DialogState, m: SipMessage): number {
  // Only answers to the dialog's initial transaction decide its state.
  if (s.method === '' || m.cseqMethod !== s.method || m.cseq !== s.cseq) return EV_NONE;
  const code = m.status;
  if (s.method !== 'INVITE') {
    if (code < 200 || s.state !== 'calling') return EV_NONE;
    s.status = code;
    s.state = code < 300 ? 'completed' : errorState(code);
    return EV_NONE;
  }
  if (code < 200) {
    if (code >= 180 && s.state === 'calling') s.state = 'ringing';
    return EV_NONE;
  }
  if (code < 300) {
    // A 2xx crossing a CANCEL still establishes the call (RFC 3261 §9.1): it will be ended by a BYE.
    if (s.state === 'calling' || s.state === 'ringing' || s.state === 'cancelled') {
      s.state = 'in call';
      s.status = code;
      if (!s.answered) {
        s.answered = true;
        return EV_ANSWER;
      }
    }
    return EV_NONE;
  }
  if (s.state === 'calling' || s.state === 'ringing' || s.state === 'cancelled') {
    s.status = code;
    s.state = code === 487 || s.state === 'cancelled' ? 'cancelled' : errorState(code);
  }
  return EV_NONE;
}
