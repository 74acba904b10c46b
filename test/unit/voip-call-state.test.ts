/**
 * The dialog state machine (main/engine/voip/call-state.ts) on hand-written message sequences: each sequence is
 * a real SIP flow (RFC 3261 / RFC 3665 call flows) whose outcome is known by construction, and a property test
 * checks invariants over random message sequences.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applySipMessage, EV_ANSWER, EV_END, newDialogState, type CallState } from '../../main/engine/voip/call-state';
import { emptySipMessage, type SipMessage } from '../../main/engine/voip/sip-message';

const CALLER = 1;
const CALLEE = 2;

interface Step {
  from: number;
  /** "INVITE", "ACK", … or a status code. */
  what: string | number;
  cseq: number;
  cseqMethod?: string;
  toTag?: boolean;
}

function message(s: Step): SipMessage {
  const m = emptySipMessage();
  m.callId = 'call@test';
  m.cseq = s.cseq;
  if (typeof s.what === 'number') {
    m.status = s.what;
    m.cseqMethod = s.cseqMethod ?? 'INVITE';
  } else {
    m.method = s.what;
    m.cseqMethod = s.cseqMethod ?? (s.what === 'ACK' ? 'ACK' : s.what);
  }
  m.toTag = s.toTag ? 'tag-b' : '';
  return m;
}

/** Runs the steps; returns the states after each and the events. */
function run(steps: Step[]): { states: CallState[]; events: number[]; status: number } {
  const d = newDialogState();
  const states: CallState[] = [];
  const events: number[] = [];
  for (const s of steps) {
    events.push(applySipMessage(d, message(s), s.from));
    states.push(d.state);
  }
  return { states, events, status: d.status };
}

const invite = (cseq = 1, toTag = false): Step => ({ from: CALLER, what: 'INVITE', cseq, toTag });
const resp = (code: number, cseq = 1, cseqMethod = 'INVITE'): Step => ({ from: CALLEE, what: code, cseq, cseqMethod, toTag: code > 100 });

describe('call state', () => {
  it('basic call: calling, ringing, in call, completed (RFC 3665 §3.1)', () => {
    const r = run([invite(), resp(100), resp(180), resp(200), { from: CALLER, what: 'ACK', cseq: 1, toTag: true }, { from: CALLEE, what: 'BYE', cseq: 1, toTag: true }, resp(200, 1, 'BYE')]);
    expect(r.states).toEqual(['calling', 'calling', 'ringing', 'in call', 'in call', 'completed', 'completed']);
    expect(r.events).toEqual([0, 0, 0, EV_ANSWER, 0, EV_END, 0]);
    expect(r.status).toBe(200);
  });

  it('cancelled while ringing: CANCEL, 200 (CANCEL), 487 (INVITE), ACK', () => {
    const r = run([invite(), resp(180), { from: CALLER, what: 'CANCEL', cseq: 1 }, resp(200, 1, 'CANCEL'), resp(487), { from: CALLER, what: 'ACK', cseq: 1, toTag: true }]);
    expect(r.states).toEqual(['calling', 'ringing', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect(r.status).toBe(487);
  });

  it('a 487 without a CANCEL seen (lost in the capture) is still a cancelled call', () => {
    expect(run([invite(), resp(180), resp(487)]).states.at(-1)).toBe('cancelled');
  });

  it('busy (486), decline (603) and not found (404) reject; 503 and 408 fail', () => {
    for (const [code, want] of [[486, 'rejected'], [603, 'rejected'], [404, 'rejected'], [302, 'rejected'], [503, 'failed'], [500, 'failed'], [408, 'failed']] as const) {
      const r = run([invite(), resp(100), resp(code), { from: CALLER, what: 'ACK', cseq: 1, toTag: true }]);
      expect(r.states.at(-1), String(code)).toBe(want);
      expect(r.status).toBe(code);
    }
  });

  it('digest authentication: 401 rejects, the INVITE sent again with credentials starts over and is answered', () => {
    const r = run([
      invite(1), resp(401), { from: CALLER, what: 'ACK', cseq: 1, toTag: true },
      invite(2), resp(100, 2), resp(180, 2), resp(200, 2), { from: CALLER, what: 'ACK', cseq: 2, toTag: true },
      { from: CALLER, what: 'BYE', cseq: 3, toTag: true }, resp(200, 3, 'BYE'),
    ]);
    expect(r.states).toEqual(['calling', 'rejected', 'rejected', 'calling', 'calling', 'ringing', 'in call', 'in call', 'completed', 'completed']);
    expect(r.events[6]).toBe(EV_ANSWER);
  });

  it('proxy authentication (407) the same way; a late 100 of the first INVITE changes nothing', () => {
    const r = run([invite(1), resp(407), invite(2), resp(100, 1), resp(200, 2)]);
    expect(r.states).toEqual(['calling', 'rejected', 'calling', 'calling', 'in call']);
  });

  it('a re-INVITE (hold) and its answers leave an established call in call; a failed re-INVITE too', () => {
    const r = run([invite(1), resp(200), invite(2, true), resp(200, 2), invite(3, true), resp(491, 3)]);
    expect(r.states).toEqual(['calling', 'in call', 'in call', 'in call', 'in call', 'in call']);
    expect(r.events.filter((e) => e === EV_ANSWER)).toHaveLength(1);
  });

  it('retransmitted INVITEs (same CSeq) are one attempt', () => {
    const r = run([invite(1), invite(1), invite(1), resp(100), resp(486)]);
    expect(r.states.at(-1)).toBe('rejected');
  });

  it('a 200 crossing the CANCEL establishes the call (RFC 3261 §9.1), a BYE then completes it', () => {
    const r = run([invite(), resp(180), { from: CALLER, what: 'CANCEL', cseq: 1 }, resp(200), { from: CALLER, what: 'BYE', cseq: 2, toTag: true }]);
    expect(r.states).toEqual(['calling', 'ringing', 'cancelled', 'in call', 'completed']);
  });

  it('answers of other transactions (OPTIONS, INFO, PRACK) inside the call do not decide its state', () => {
    const r = run([invite(1), resp(183), { from: CALLER, what: 'PRACK', cseq: 2, toTag: true }, resp(200, 2, 'PRACK'), resp(480, 7, 'OPTIONS')]);
    expect(r.states.at(-1)).toBe('ringing');
  });

  it('non-INVITE dialogs: REGISTER challenged then registered; OPTIONS unanswered; MESSAGE refused', () => {
    const reg = run([
      { from: CALLER, what: 'REGISTER', cseq: 1 }, resp(401, 1, 'REGISTER'),
      { from: CALLER, what: 'REGISTER', cseq: 2 }, resp(200, 2, 'REGISTER'),
    ]);
    expect(reg.states).toEqual(['calling', 'rejected', 'calling', 'completed']);
    expect(run([{ from: CALLER, what: 'OPTIONS', cseq: 5 }]).states).toEqual(['calling']);
    expect(run([{ from: CALLER, what: 'MESSAGE', cseq: 5 }, resp(415, 5, 'MESSAGE')]).states).toEqual(['calling', 'rejected']);
  });

  it('invariants over random message sequences', () => {
    const step = fc.record({
      from: fc.constantFrom(CALLER, CALLEE),
      what: fc.oneof(fc.constantFrom('INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS'), fc.constantFrom(100, 180, 183, 200, 401, 407, 486, 487, 503, 603)),
      cseq: fc.integer({ min: 1, max: 4 }),
      cseqMethod: fc.constantFrom('INVITE', 'BYE', 'CANCEL', 'OPTIONS'),
      toTag: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        const seq = [invite(1), ...steps];
        const r = run(seq);
        // At most one answer and one end; 'in call' needs an answer; once completed, always completed.
        expect(r.events.filter((e) => e === EV_ANSWER).length).toBeLessThanOrEqual(1);
        expect(r.events.filter((e) => e === EV_END).length).toBeLessThanOrEqual(1);
        const answered = r.events.indexOf(EV_ANSWER);
        r.states.forEach((s, k) => {
          if (s === 'in call') expect(answered).toBeGreaterThanOrEqual(0);
          if (s === 'in call') expect(k).toBeGreaterThanOrEqual(answered);
        });
        const done = r.states.indexOf('completed');
        if (done >= 0) expect(r.states.slice(done).every((s) => s === 'completed')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
