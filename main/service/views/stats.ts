/** Engine-side handlers of the statistics view's contract methods (shared/views/stats.ts). */
import type { statsMethods } from '../../../shared/views/stats';
import type { StatsScope } from '../../../shared/views/stats';
import { CaptureStatistics } from '../../engine/stats/capture-stats';
import type { CaptureSession } from '../capture-session';
import type { HandlersOf, ViewContext } from '../handler';

/** One statistics state per open capture: its running sums live as long as the capture. */
const perCapture = new WeakMap<CaptureSession, CaptureStatistics>();

function statsOf(c: CaptureSession): CaptureStatistics {
  let s = perCapture.get(c);
  if (s === undefined) {
    s = new CaptureStatistics(c.index, c.reader, c.path, c.enrichment, c.hierarchy);
    perCapture.set(c, s);
  }
  return s;
}

/** The packets a scope covers: null for every packet (also when no filter is applied). */
function numbersOf(c: CaptureSession, scope: StatsScope): Uint32Array | null {
  return scope === 'displayed' ? c.displayedView() : null;
}

export function statsHandlers(ctx: ViewContext): HandlersOf<keyof typeof statsMethods> {
  return {
    'stats.summary': () => {
      const c = ctx.current();
      return statsOf(c).summary(c.indexing);
    },
    'stats.hierarchy': (p) => {
      const c = ctx.current();
      const r = statsOf(c).protocolHierarchy(numbersOf(c, p.scope), c.indexing);
      return { ...r, scope: p.scope };
    },
    'stats.talkers': (p) => {
      const c = ctx.current();
      const r = statsOf(c).talkers(numbersOf(c, p.scope), p, c.indexing);
      return { ...r, scope: p.scope };
    },
    'stats.geo': (p) => {
      const c = ctx.current();
      return { ...statsOf(c).geo(numbersOf(c, p.scope), p.limit, c.indexing), scope: p.scope };
    },
    'stats.apps': (p) => {
      const c = ctx.current();
      return { ...statsOf(c).apps(numbersOf(c, p.scope), c.indexing), scope: p.scope };
    },
    'stats.io': (p) => {
      const c = ctx.current();
      return { ...statsOf(c).io(numbersOf(c, p.scope), p, c.indexing), scope: p.scope };
    },
  };
}
