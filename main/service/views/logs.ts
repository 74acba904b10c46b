/**
 * Engine-side handlers of the logs view's contract methods (shared/views/logs.ts). The logs are built and
 * served by a LogHost (logs-host.ts: a worker per open capture); this file ties it to the open capture and
 * to the output policy for exports.
 */
import type { logsMethods } from '../../../shared/views/logs';
import type { CaptureSession } from '../capture-session';
import type { HandlersOf, ViewContext } from '../handler';
import { derivedName, outputResult, outputTarget } from '../output-target';
import { LogHost } from './logs-host';

/** How often an idle host checks that its capture is still the open one (to stop its worker soon after close). */
const WATCH_MS = 5000;

export function logsHandlers(ctx: ViewContext): HandlersOf<keyof typeof logsMethods> {
  let host: LogHost | null = null;
  let watch: NodeJS.Timeout | null = null;

  const drop = (): void => {
    host?.close();
    host = null;
    if (watch !== null) clearInterval(watch);
    watch = null;
  };

  const hostFor = (s: CaptureSession): LogHost => {
    if (host !== null && host.session === s) return host;
    drop();
    const h = new LogHost(s);
    host = h;
    watch = setInterval(() => {
      if (ctx.session() !== h.session) drop();
    }, WATCH_MS);
    watch.unref();
    return h;
  };

  return {
    'logs.rows': (p, signal) => {
      const s = ctx.current();
      return hostFor(s).rows({ kind: p.kind, search: p.search, filter: p.filter, sort: p.sort, start: p.start, count: p.count }, signal);
    },
    'logs.export': async (p, signal) => {
      const s = ctx.current();
      const ext = p.format === 'csv' ? 'csv' : 'jsonl';
      const target = outputTarget(p.path, derivedName(s.path, `-${p.kind}`, ext), ctx.policy());
      const written = await hostFor(s).export({ kind: p.kind, search: p.search, filter: p.filter, sort: p.sort, format: p.format, out: target.path }, signal);
      return outputResult(target, written);
    },
  };
}
