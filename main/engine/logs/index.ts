/**
 * The logs Wirelens writes (`wirelens logs KIND FILE`, and the UI's log views): one builder per log, chosen by
 * name, plus `-Y` selection. Transaction logs (dns, http, sip) keep a record when one of its messages matches
 * the filter; session logs (tls, apps) when its session has a matching packet.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { selectPackets } from '../capture/select';
import type { CompiledFilter } from '../filter';
import { buildAppsLog, DEFAULT_APP_IDLE_S } from './apps-log';
import { classifierLabeler, classifierMissing } from './apps-classifier';
import { buildDnsLog } from './dns-log';
import { buildHttpLog } from './http-log';
import { LogSource } from './log-source';
import type { LogRecord, LogTable } from './record';
import { replayView } from './replay-view';
import { buildSipLog, sipAvailable } from './sip-log';
import { buildTlsLog } from './tls-log';

export const LOG_KINDS = ['dns', 'http', 'tls', 'sip', 'apps'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

export function isLogKind(s: string): s is LogKind {
  return (LOG_KINDS as readonly string[]).includes(s);
}

export interface LogOptions {
  /** Apps log: seconds of silence that end an application-use interval. */
  idleSeconds?: number;
}

const SCOPE: Record<LogKind, 'frames' | 'sessions'> = { dns: 'frames', http: 'frames', sip: 'frames', tls: 'sessions', apps: 'sessions' };

/**
 * Why log `kind` cannot be built in this build (its decoder or the classifier is missing), or null: lets the
 * CLI say so before reading a large file.
 */
export function logUnavailable(kind: LogKind): string | null {
  if (kind === 'sip') return sipAvailable();
  if (kind === 'apps') return classifierMissing();
  return null;
}

/** Builds log `kind` over an indexed capture (throws LogUnavailableError for a log whose source is missing). */
export function buildLog(kind: LogKind, index: CaptureIndex, opts: LogOptions = {}): LogTable {
  switch (kind) {
    case 'dns':
      return buildDnsLog(new LogSource(index));
    case 'http':
      return buildHttpLog(new LogSource(index));
    case 'tls':
      return buildTlsLog(new LogSource(index));
    case 'sip':
      return buildSipLog(new LogSource(index));
    case 'apps':
      return buildAppsLog(index, classifierLabeler(index), opts.idleSeconds ?? DEFAULT_APP_IDLE_S);
  }
}

/** The records of `table` that `filter` selects (see the module comment), with their evidence. */
export function filterLog<R extends LogRecord>(kind: LogKind, table: LogTable<R>, index: CaptureIndex, filter: CompiledFilter): LogTable<R> {
  // Filter terms on TLS/QUIC fields need the same in-order replay as the logs themselves.
  const matched = selectPackets(replayView(index), filter);
  const frames = new Set<number>(matched);
  const sessions = new Set<number>();
  for (const n of matched) {
    const sid = index.store.session[n - 1] as number;
    if (sid >= 0) sessions.add(sid);
  }
  const records: R[] = [];
  const evidence: LogTable<R>['evidence'][number][] = [];
  table.records.forEach((rec, k) => {
    const ev = table.evidence[k];
    if (ev === undefined) return;
    const keep = SCOPE[kind] === 'frames' ? ev.frames.some((f) => frames.has(f)) : ev.sessions.some((s) => sessions.has(s));
    if (keep) {
      records.push(rec);
      evidence.push(ev);
    }
  });
  return { name: table.name, columns: table.columns, records, evidence };
}

export { LogUnavailableError } from './record';
export type { LogRecord, LogTable, LogValue, Evidence } from './record';
export { headerLine, recordLine, type LogFormat } from './format';
export { DNS_COLUMNS, type DnsRecord } from './dns-log';
export { HTTP_COLUMNS, type HttpRecord } from './http-log';
export { TLS_COLUMNS, type TlsRecord } from './tls-log';
export { SIP_COLUMNS, type SipRecord } from './sip-log';
export { APPS_COLUMNS, type AppsRecord, type AppLabel, type SessionLabeler, buildAppsLog, DEFAULT_APP_IDLE_S } from './apps-log';
