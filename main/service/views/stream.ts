/** Engine-side handlers of the stream view's contract methods (shared/views/stream.ts). */
import type { streamMethods } from '../../../shared/views/stream';
import type { HandlersOf, ViewContext } from '../handler';

export function streamHandlers(ctx: ViewContext): HandlersOf<keyof typeof streamMethods> {
  void ctx;
  return {};
}
