/**
 * The glue every engine-paged table (ag-grid's infinite row model: packet list, sessions, calls, logs) needs
 * around its datasource: the grid's API once it is ready, a throttled re-pull of the cached blocks while the
 * capture grows, and a fresh cache scrolled to the top when the view's query changes. What a re-pull or a reset
 * does beyond that, and what counts as the query, stay with each view and are handed in.
 */
import { useEffect, useRef, useState, type DependencyList, type RefObject } from 'react';
import type { GridApi, GridReadyEvent } from 'ag-grid-community';

export interface InfiniteGridOptions<T> {
  /** The view's query (filter, sort, path…): when any of it changes, `reset` runs. Omitted: the view resets itself. */
  resetOn?: DependencyList;
  /**
   * What a reset does. By default the cached blocks belong to the old query, so they are dropped and the view
   * starts from the top; before the grid is ready there is nothing to reset (its first request uses the query).
   */
  reset?: (api: GridApi<T> | null) => void;
  /**
   * What a re-pull does. By default the cached blocks are asked for again in place (no jump, no blank flash);
   * `api` is null while the grid is not ready.
   */
  refresh?: (api: GridApi<T> | null) => void;
  /** What the throttle measures time with (`refreshWithin`). */
  clock?: () => number;
}

export interface InfiniteGrid<T> {
  /** The grid's API, set by onGridReady (null until then). */
  readonly apiRef: RefObject<GridApi<T> | null>;
  /** Pass to <AgGridReact onGridReady>. */
  readonly onGridReady: (e: GridReadyEvent<T>) => void;
  /** Re-pull after `delay` ms, unless one is already waiting (then that one serves). */
  readonly scheduleRefresh: (delay: number) => void;
  /** Re-pull, but no sooner than `every` ms after the last one: new rows show without a request per status event. */
  readonly refreshWithin: (every: number) => void;
  /** Re-pull now, dropping any waiting one. */
  readonly refreshNow: () => void;
  /** Drop a waiting re-pull. */
  readonly cancelRefresh: () => void;
}

const byDefault = {
  reset<T>(api: GridApi<T> | null): void {
    if (!api) return;
    api.purgeInfiniteCache();
    api.ensureIndexVisible(0, 'top');
  },
  refresh<T>(api: GridApi<T> | null): void {
    api?.refreshInfiniteCache();
  },
  clock: (): number => performance.now(),
};

/** No query: the reset effect runs once, at mount, and does nothing. */
const NO_QUERY: DependencyList = [];

export function useInfiniteGrid<T>(options: InfiniteGridOptions<T> = {}): InfiniteGrid<T> {
  // The latest options: the returned functions are made once (datasources and grid callbacks made once call
  // them), and read the view's rules through this at the time they run.
  const opts = useRef(options);
  opts.current = options;
  const apiRef = useRef<GridApi<T> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastRefresh = useRef(0);

  const [grid] = useState((): InfiniteGrid<T> => {
    const now = (): number => (opts.current.clock ?? byDefault.clock)();
    const run = (): void => {
      lastRefresh.current = now();
      (opts.current.refresh ?? byDefault.refresh)(apiRef.current);
    };
    const cancelRefresh = (): void => {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    };
    const scheduleRefresh = (delay: number): void => {
      if (timer.current !== null) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        run();
      }, delay);
    };
    return {
      apiRef,
      onGridReady: (e) => {
        apiRef.current = e.api;
      },
      scheduleRefresh,
      refreshWithin: (every) => scheduleRefresh(Math.max(0, every - (now() - lastRefresh.current))),
      refreshNow: () => {
        cancelRefresh();
        run();
      },
      cancelRefresh,
    };
  });

  // A re-pull must not fire into a grid that is gone.
  useEffect(() => grid.cancelRefresh, [grid]);

  useEffect(() => {
    if (!opts.current.resetOn) return;
    (opts.current.reset ?? byDefault.reset)(apiRef.current);
    // The query is the view's own list of values.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, options.resetOn ?? NO_QUERY);

  return grid;
}
