/**
 * Engine-side handlers of the calls view's contract methods (shared/views/calls.ts): the SIP dialogs of the
 * open capture (main/engine/voip/), their call-flow ladders, and exporting one call's packets.
 *
 * One CallTracker per open capture, created by the first request. Each request first lets it catch up with
 * the packets indexed since (in slices that yield to other requests, at most CATCH_UP_BUDGET_MS per request);
 * what is still left is worked off in the background, and `complete: false` tells the view to ask again. A
 * live capture's list thereby follows the index as the view re-pulls on status events.
 */
import type { ParsedParams, Results } from '../../../shared/contract';
import type { callsMethods } from '../../../shared/views/calls';
import { buildCallFlow } from '../../engine/voip/call-flow';
import { CallList } from '../../engine/voip/call-list';
import { CallTracker, type Call } from '../../engine/voip/call-tracker';
import { mergePacketLists } from '../../engine/voip/packet-list';
import type { CaptureSession } from '../capture-session';
import { cancelled, ServiceError } from '../errors';
import { runExport } from '../export';
import type { HandlersOf, ViewContext } from '../handler';
import { derivedName, outputResult, outputTarget } from '../output-target';

/** One slice of catching up before yielding to the event loop. */
const SLICE_MS = 12;
/** Longest a request waits for the tracker to catch up; the rest continues in the background. */
const CATCH_UP_BUDGET_MS = 800;

class CallsState {
  readonly tracker: CallTracker;
  readonly list: CallList;
  private background: NodeJS.Immediate | null = null;

  constructor(private readonly cs: CaptureSession) {
    this.tracker = new CallTracker(cs.index);
    this.list = new CallList(this.tracker);
  }

  /** Catches up within the budget (yielding between slices); true when every indexed packet was looked at. */
  async catchUp(signal: AbortSignal): Promise<boolean> {
    const until = performance.now() + CATCH_UP_BUDGET_MS;
    for (;;) {
      // A newer capture replaced this one while we yielded: its reader is closed.
      if (signal.aborted || this.cs.isClosed) throw cancelled();
      const now = performance.now();
      if (this.tracker.advance(Math.min(now + SLICE_MS, until))) return true;
      if (performance.now() >= until) {
        this.continueInBackground();
        return false;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private continueInBackground(): void {
    if (this.background !== null) return;
    const step = (): void => {
      this.background = null;
      if (this.cs.isClosed) return;
      try {
        if (!this.tracker.advance(performance.now() + SLICE_MS)) this.background = setImmediate(step);
      } catch {
        // advance() contains per-packet failures; anything else must still not take the worker down from a
        // timer (the next request runs the same code and answers with the error).
      }
    };
    this.background = setImmediate(step);
  }
}

const states = new WeakMap<CaptureSession, CallsState>();

function stateOf(cs: CaptureSession): CallsState {
  let st = states.get(cs);
  if (st === undefined) states.set(cs, (st = new CallsState(cs)));
  return st;
}

function callOf(st: CallsState, id: number): Call {
  const call = st.tracker.byId(id);
  if (call === undefined) throw new ServiceError('invalid', `no call ${id} (${st.tracker.calls.length} dialogs so far)`);
  return call;
}

async function list(ctx: ViewContext, p: ParsedParams<'calls.list'>, signal: AbortSignal): Promise<Results['calls.list']> {
  const cs = ctx.current();
  const st = stateOf(cs);
  const caughtUp = await st.catchUp(signal);
  const { rows, total } = st.list.rows(p, p.start, p.count);
  return { start: p.start, rows, total, all: st.tracker.calls.length, complete: caughtUp };
}

async function flow(ctx: ViewContext, p: ParsedParams<'calls.flow'>, signal: AbortSignal): Promise<Results['calls.flow']> {
  const st = stateOf(ctx.current());
  await st.catchUp(signal);
  return buildCallFlow(st.tracker, callOf(st, p.call));
}

async function exportCall(ctx: ViewContext, p: ParsedParams<'calls.export'>, signal: AbortSignal): Promise<Results['calls.export']> {
  const cs = ctx.current();
  const st = stateOf(cs);
  await st.catchUp(signal);
  const call = callOf(st, p.call);
  const numbers = mergePacketLists([call.sip, call.carriers, call.media]);
  const target = outputTarget(p.path, derivedName(cs.path, `-call${call.id + 1}`, p.format), ctx.policy());
  const written = runExport(cs, numbers, target.path, p.format);
  return outputResult(target, written);
}

export function callsHandlers(ctx: ViewContext): HandlersOf<keyof typeof callsMethods> {
  return {
    'calls.list': (p, signal) => list(ctx, p, signal),
    'calls.flow': (p, signal) => flow(ctx, p, signal),
    'calls.export': (p, signal) => exportCall(ctx, p, signal),
  };
}
