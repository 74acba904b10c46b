/** Engine-side handlers of the logs view's contract methods (shared/views/logs.ts). */
import type { logsMethods } from '../../../shared/views/logs';
import type { HandlersOf, ViewContext } from '../handler';

export function logsHandlers(ctx: ViewContext): HandlersOf<keyof typeof logsMethods> {
  void ctx;
  return {};
}
