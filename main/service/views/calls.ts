/** Engine-side handlers of the calls view's contract methods (shared/views/calls.ts). */
import type { callsMethods } from '../../../shared/views/calls';
import type { HandlersOf, ViewContext } from '../handler';

export function callsHandlers(ctx: ViewContext): HandlersOf<keyof typeof callsMethods> {
  void ctx;
  return {};
}
