/**
 * Asks the engine for what a statistics panel shows and asks again when it may have changed: when the
 * parameters change, and when the `status` event says packets were indexed (or, for the display-filter scope,
 * the filter or its result changed). Status events come up to 10 a second; re-pulls are throttled to one a
 * second, with a last one when the events stop, and an older request still running is cancelled.
 */
import { useEffect, useRef, useState } from 'react';
import type { Params, Results } from '../../../../shared/contract';
import { client } from '../../connection';
import { errorText, useStore } from '../../store';

export type StatsMethod = 'stats.summary' | 'stats.hierarchy' | 'stats.talkers' | 'stats.geo' | 'stats.apps' | 'stats.io';

const THROTTLE_MS = 1000;

export interface Query<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
}

/** What the engine's answers depend on, besides the parameters: changes when re-pulling is due. */
export function useCaptureVersion(displayedScope: boolean): string {
  return useStore((s) => {
    const st = s.status;
    if (!st || !st.path) return '';
    const base = `${st.path}|${st.packets}|${st.indexing}`;
    return displayedScope ? `${base}|${st.filter}|${st.displayed}|${st.filtering}` : base;
  });
}

export function useStatsQuery<M extends StatsMethod>(method: M, params: Params<M>, displayedScope: boolean): Query<Results[M]> {
  const [state, setState] = useState<Query<Results[M]>>({ data: null, error: null, loading: true });
  const version = useCaptureVersion(displayedScope);
  const key = JSON.stringify(params);
  const current = useRef({ method, key, version });
  current.current = { method, key, version };
  const inflight = useRef<AbortController | null>(null);
  const dirty = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const last = useRef(0);

  // A ref to the scheduler so the request's completion can reschedule with the latest parameters.
  const schedule = useRef<(now: boolean) => void>(() => undefined);
  schedule.current = (now: boolean) => {
    // A request running is not cancelled by newer packets (it would never finish while they keep coming):
    // it is followed by one more when it ends.
    if (inflight.current !== null) {
      dirty.current = true;
      return;
    }
    if (timer.current !== null) {
      if (!now) return;
      clearTimeout(timer.current);
    }
    const wait = now ? 0 : Math.max(0, last.current + THROTTLE_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      const { method: m, key: k, version: v } = current.current;
      if (v === '') {
        setState({ data: null, error: null, loading: false });
        return;
      }
      last.current = Date.now();
      const abort = new AbortController();
      inflight.current = abort;
      dirty.current = false;
      setState((s) => ({ ...s, loading: true }));
      client
        .request(m, JSON.parse(k) as Params<M>, { signal: abort.signal })
        .then((data) => {
          if (!abort.signal.aborted) setState({ data: data as Results[M], error: null, loading: false });
        })
        .catch((err: unknown) => {
          if (!abort.signal.aborted) setState((s) => ({ data: s.data, error: errorText(err), loading: false }));
        })
        .finally(() => {
          if (inflight.current !== abort) return;
          inflight.current = null;
          if (dirty.current) schedule.current(false);
        });
    }, wait);
  };

  // New parameters (or another capture): drop what is running and ask at once.
  useEffect(() => {
    inflight.current?.abort();
    inflight.current = null;
    schedule.current(true);
  }, [method, key, version === '' ? '' : version.slice(0, version.indexOf('|'))]);

  // More packets (or a new filter result): ask again, throttled.
  useEffect(() => {
    schedule.current(false);
  }, [version]);

  useEffect(
    () => () => {
      inflight.current?.abort();
      inflight.current = null;
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  return state;
}
