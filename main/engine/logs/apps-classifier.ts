/**
 * Where the apps log gets its session labels: the session enrichment (main/engine/classify through
 * sessions/session-enrichment.ts) that the index pass ran. The log itself only sees a SessionLabeler.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { enrichmentOf } from '../sessions/session-enrichment';
import { LogUnavailableError } from './record';
import type { SessionLabeler } from './apps-log';

/** Why the apps log cannot be built, or null when it can (the classifier is part of every build now). */
export function classifierMissing(): string | null {
  return null;
}

export function classifierLabeler(index: CaptureIndex): SessionLabeler {
  const e = enrichmentOf(index.sessions);
  if (e === undefined) {
    throw new LogUnavailableError('apps', 'the capture was indexed without session enrichment (classification)');
  }
  return (sid) => {
    const app = e.app(sid);
    if (app === '') return null;
    const category = e.category(sid);
    return { app, category: category === '' ? null : category };
  };
}
