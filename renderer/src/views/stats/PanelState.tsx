/** A panel's loading / error line above its content (the last answer stays shown while a new one loads). */
import type { ReactNode } from 'react';
import type { Query } from './stats-query';

export function PanelState<T>({ query, children }: { query: Query<T>; children: ReactNode }) {
  return (
    <>
      {query.error !== null && <div className="stats-error error-text">Could not load: {query.error}</div>}
      {query.data === null && query.error === null && <div className="stats-loading muted">{query.loading ? 'Loading…' : 'No capture is open.'}</div>}
      {children}
    </>
  );
}
