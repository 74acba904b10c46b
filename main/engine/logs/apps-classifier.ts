/**
 * Where the apps log gets its session labels. The application classifier (main/engine/classify) is being
 * written separately; until it exists this is the one place that says so, and the one place to connect it
 * (turn its per-session app/category into a SessionLabeler).
 */
import type { CaptureIndex } from '../capture/capture-index';
import { LogUnavailableError } from './record';
import type { SessionLabeler } from './apps-log';

const MISSING = 'the application classifier (main/engine/classify: session app/category) is not in this build';

/** Why the apps log cannot be built, or null when it can. */
export function classifierMissing(): string | null {
  return MISSING;
}

export function classifierLabeler(index: CaptureIndex): SessionLabeler {
  void index;
  throw new LogUnavailableError('apps', MISSING);
}
