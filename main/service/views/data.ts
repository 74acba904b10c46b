/** Engine-side handlers of the data view's contract methods (shared/views/data.ts). */
import type { dataMethods } from '../../../shared/views/data';
import type { HandlersOf, ViewContext } from '../handler';

export function dataHandlers(ctx: ViewContext): HandlersOf<keyof typeof dataMethods> {
  void ctx;
  return {};
}
