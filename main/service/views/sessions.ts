/** Engine-side handlers of the sessions view's contract methods (shared/views/sessions.ts). */
import type { sessionsMethods } from '../../../shared/views/sessions';
import type { HandlersOf, ViewContext } from '../handler';

export function sessionsHandlers(ctx: ViewContext): HandlersOf<keyof typeof sessionsMethods> {
  void ctx;
  return {};
}
