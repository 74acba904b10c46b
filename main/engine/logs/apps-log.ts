/**
 * The apps log: intervals of application use. Each session carries an application label from the classifier
 * (`app`, `category`); the packets of all sessions one host (the session's originator) runs with one
 * application are merged into intervals, and a silence longer than `idleSeconds` (default 300) ends an
 * interval. Each record says when the use started and ended, how many bytes and packets it moved, over how
 * many sessions, and with which servers.
 *
 * Only the store's columns are read (time, length, session), never packet bytes: labels come from the
 * classifier through a `SessionLabeler`, so this file does not depend on how classification works.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { epochString } from '../capture/columns';
import type { Evidence, LogRecord, LogTable } from './record';
import { sessionUid } from './log-source';

export const APPS_COLUMNS = ['ts', 'end', 'duration', 'orig_h', 'app', 'category', 'resp_h', 'sessions', 'packets', 'bytes', 'uids'] as const;

export const DEFAULT_APP_IDLE_S = 300;

export interface AppLabel {
  app: string;
  category: string | null;
}

/** The application of session `id`, or null when it is unclassified (such sessions are not logged). */
export type SessionLabeler = (sessionId: number) => AppLabel | null;

export interface AppsRecord extends LogRecord {
  /** First packet of the interval. */
  ts: string;
  /** Last packet of the interval. */
  end: string;
  duration: number;
  orig_h: string;
  app: string;
  category: string | null;
  /** Servers used during the interval, in order of first use. */
  resp_h: string[];
  sessions: number;
  packets: number;
  bytes: number;
  uids: string[];
}

interface Interval {
  rec: AppsRecord;
  ev: Evidence;
  startSec: number;
  startNsec: number;
  lastSec: number;
  lastNsec: number;
  seen: Set<number>;
}

export function buildAppsLog(index: CaptureIndex, label: SessionLabeler, idleSeconds = DEFAULT_APP_IDLE_S): LogTable<AppsRecord> {
  if (!(idleSeconds >= 0)) throw new RangeError(`idle time must be a number of seconds ≥ 0, not ${idleSeconds}`);
  const store = index.store;
  const sessions = index.sessions;
  const ep = index.endpoints;
  const labels = new Map<number, AppLabel | null>();
  const current = new Map<string, Interval>();
  const done: Interval[] = [];
  for (let i = 0; i < store.count; i++) {
    const sid = store.session[i] as number;
    if (sid < 0) continue;
    let l = labels.get(sid);
    if (l === undefined) {
      l = label(sid);
      labels.set(sid, l);
    }
    if (l === null) continue;
    const orig = ep.format(sessions.epA[sid] as number);
    const key = `${orig}\u0000${l.app}`;
    const sec = store.tsSec[i] as number;
    const nsec = store.tsNsec[i] as number;
    let iv = current.get(key);
    if (iv !== undefined && gap(iv.lastSec, iv.lastNsec, sec, nsec) > idleSeconds) {
      done.push(close(iv));
      iv = undefined;
    }
    if (iv === undefined) {
      iv = open(orig, l, sec, nsec);
      current.set(key, iv);
    }
    // Packets are in file order, which is not always time order: an interval spans the extremes it saw.
    if (gap(iv.lastSec, iv.lastNsec, sec, nsec) > 0) {
      iv.lastSec = sec;
      iv.lastNsec = nsec;
    }
    if (gap(sec, nsec, iv.startSec, iv.startNsec) > 0) {
      iv.startSec = sec;
      iv.startNsec = nsec;
    }
    iv.rec.packets++;
    iv.rec.bytes += store.len[i] as number;
    if (!iv.seen.has(sid)) {
      iv.seen.add(sid);
      iv.rec.sessions++;
      iv.rec.uids.push(sessionUid(sid) as string);
      iv.ev.sessions.push(sid);
      const resp = ep.format(sessions.epB[sid] as number);
      if (!iv.rec.resp_h.includes(resp)) iv.rec.resp_h.push(resp);
    }
  }
  for (const iv of current.values()) done.push(close(iv));
  done.sort((a, b) => a.startSec - b.startSec || a.startNsec - b.startNsec);
  return { name: 'apps', columns: APPS_COLUMNS, records: done.map((d) => d.rec), evidence: done.map((d) => d.ev) };
}

/** Seconds from (aSec, aNsec) to (bSec, bNsec). */
function gap(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return bSec - aSec + (bNsec - aNsec) / 1e9;
}

function open(orig: string, l: AppLabel, sec: number, nsec: number): Interval {
  const rec: AppsRecord = {
    ts: '',
    end: '',
    duration: 0,
    orig_h: orig,
    app: l.app,
    category: l.category,
    resp_h: [],
    sessions: 0,
    packets: 0,
    bytes: 0,
    uids: [],
  };
  return { rec, ev: { frames: [], sessions: [] }, startSec: sec, startNsec: nsec, lastSec: sec, lastNsec: nsec, seen: new Set() };
}

function close(iv: Interval): Interval {
  iv.rec.ts = epochString(iv.startSec, iv.startNsec);
  iv.rec.end = epochString(iv.lastSec, iv.lastNsec);
  iv.rec.duration = Math.round(((iv.lastSec - iv.startSec) * 1e9 + (iv.lastNsec - iv.startNsec))) / 1e9;
  return iv;
}
