/**
 * Engine-side handlers of the data view's contract methods (shared/views/data.ts): split into sessions, and
 * the session table and logs as data files. Outputs go where output-target.ts allows; a split into files
 * needs a folder the user chose (Electron's dialog, or serve --root), and is otherwise a tar download.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { dataMethods, SplitSummary } from '../../../shared/views/data';
import type { ParsedParams } from '../../../shared/contract';
import { exportedSessionIds, sessionRows, writeSessionLines, writeSessionsParquet } from '../../engine/export/session-export';
import { TextSink } from '../../engine/export/text-sink';
import { buildLog, headerLine, LogUnavailableError, recordLine } from '../../engine/logs';
import { JobCancelled } from '../../engine/split/pacer';
import { splitToDirectory, splitToJsonFile, splitToTar, type SplitResult } from '../../engine/split/split';
import { freshDirectory, SplitTargetError } from '../../engine/split/unit-sinks';
import { writeAtomically } from '../../engine/writers/atomic';
import type { CaptureSession } from '../capture-session';
import { downloadTempPath, registerDownload } from '../downloads';
import { cancelled, ServiceError } from '../errors';
import type { HandlersOf, ViewContext } from '../handler';
import { derivedName, outputResult, outputTarget } from '../output-target';
import { allowedPath } from '../paths';

export function dataHandlers(ctx: ViewContext): HandlersOf<keyof typeof dataMethods> {
  return {
    'data.split': (p, signal) => split(ctx, p, signal),
    'data.exportSessions': async (p) => {
      const session = ctx.current();
      const target = outputTarget(p.path, derivedName(session.path, '-sessions', p.format), ctx.policy());
      const ids = exportedSessionIds(session.index, p.displayed ? displayedOrNull(session) : null);
      const rows = sessionRows(session.index, ids, session.enrichment);
      let written: number;
      if (p.format === 'parquet') written = await writeSessionsParquet(rows, target.path);
      else written = writeLines(target.path, (line) => writeSessionLines(rows, p.format === 'csv' ? 'csv' : 'jsonl', line));
      return outputResult(target, written);
    },
    'data.exportLog': (p) => {
      const session = ctx.current();
      const target = outputTarget(p.path, derivedName(session.path, `-${p.kind}`, p.format), ctx.policy());
      let table;
      try {
        table = buildLog(p.kind, session.index);
      } catch (err) {
        if (err instanceof LogUnavailableError) throw new ServiceError('unavailable', err.message);
        throw err;
      }
      const format = p.format === 'csv' ? 'csv' : 'json';
      const written = writeLines(target.path, (line) => {
        const header = headerLine(table.columns, format);
        if (header !== null) line(header);
        for (const rec of table.records) line(recordLine(table.columns, rec, format));
        return table.records.length;
      });
      return outputResult(target, written);
    },
  };
}

/** The display filter's packet numbers, or null when no filter is applied (everything is displayed). */
function displayedOrNull(session: CaptureSession): Uint32Array | null {
  const st = session.status();
  if (st.filter === '') return null;
  // A half-applied filter would silently leave sessions out.
  if (st.filtering) throw new ServiceError('failed', 'the display filter is still being applied: try again when it has finished');
  return session.displayedNumbers();
}

/** Writes text lines to `file` atomically; `fill` returns the record count. */
function writeLines(file: string, fill: (line: (s: string) => void) => number): number {
  return writeAtomically(file, (fd) => {
    const out = new TextSink(fd);
    const n = fill((s) => out.line(s));
    out.flush();
    return n;
  });
}

async function split(ctx: ViewContext, p: ParsedParams<'data.split'>, signal: AbortSignal): Promise<SplitSummary> {
  const session = ctx.current();
  const policy = ctx.policy();
  const req = {
    format: p.format,
    payloads: p.format === 'json' && p.payloads,
    matching: p.displayed ? displayedOrNull(session) : null,
    tcpFromHandshake: p.tcpFromHandshake,
    unassigned: p.unassigned,
  };
  const base = derivedName(session.path, '-sessions', 'x').replace(/\.x$/, '');
  if (p.path !== undefined && !policy.allowPaths) {
    throw new ServiceError('forbidden', 'writing a split on the server needs `wirelens serve --root DIR` (and a folder inside it); without a folder it is downloaded');
  }
  if (p.path === undefined && !policy.downloads) throw new ServiceError('invalid', 'a destination folder is required');
  try {
    if (p.format === 'json') {
      const target = outputTarget(p.path, `${base}.json`, policy);
      const r = await splitToJsonFile(session.index, session.path, req, session.enrichment, target.path, signal);
      return summary(r, target.download ? { downloadUrl: registerDownload(target.path, target.name) } : { path: target.path });
    }
    const format = p.format;
    if (p.path !== undefined) {
      // A new folder inside the chosen one: a split never scatters files over a folder that has others.
      const parent = allowedPath(p.path, policy.root);
      if (!isDirectory(parent)) throw new ServiceError('failed', `${p.path} is not a folder`);
      const dir = freshDirectory(parent, base);
      const r = await splitToDirectory(session.index, session.path, { ...req, format }, dir, { signal });
      return summary(r, { path: dir });
    }
    const tarPath = downloadTempPath(`${base}.tar`);
    const r = await splitToTar(session.index, session.path, { ...req, format }, tarPath, base, signal);
    return summary(r, { downloadUrl: registerDownload(tarPath, `${base}.tar`) });
  } catch (err) {
    if (err instanceof JobCancelled) throw cancelled();
    if (err instanceof SplitTargetError) throw new ServiceError('failed', err.message);
    throw err;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function summary(r: SplitResult, where: { path?: string; downloadUrl?: string }): SplitSummary {
  return {
    format: r.format,
    written: r.written,
    skipped: r.skipped,
    skippedNoHandshake: r.skippedNoHandshake,
    skippedByFilter: r.skippedByFilter,
    skippedLinkTypes: r.skippedLinkTypes,
    packets: r.packets,
    unassignedPackets: r.unassignedPackets,
    unassignedFile: r.unassignedFile !== null ? path.basename(r.unassignedFile) : null,
    ...where,
  };
}
