/** Engine-side handlers of the stats view's contract methods (shared/views/stats.ts). */
import type { statsMethods } from '../../../shared/views/stats';
import type { HandlersOf, ViewContext } from '../handler';

export function statsHandlers(ctx: ViewContext): HandlersOf<keyof typeof statsMethods> {
  void ctx;
  return {};
}
