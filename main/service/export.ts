/** export.packets and live.save: choosing the packets and writing them with the engine's exporter. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParsedParams, Results } from '../../shared/contract';
import { ExportError, exportPackets } from '../engine/capture/export-packets';
import type { CaptureSession } from './capture-session';
import { ServiceError } from './errors';
import { derivedName, OutputPolicy, outputResult, outputTarget } from './output-target';

/** The 1-based packet numbers (ascending, unique, existing) a scope selects. */
export function scopeNumbers(session: CaptureSession, p: ParsedParams<'export.packets'>): Uint32Array {
  const count = session.index.store.count;
  switch (p.scope) {
    case 'all':
      return Uint32Array.from({ length: count }, (_, i) => i + 1);
    case 'displayed':
      return session.displayedNumbers();
    case 'range': {
      const from = p.from ?? 1;
      const to = Math.min(p.to ?? count, count);
      if (from > (p.to ?? count)) throw new ServiceError('invalid', `range ${from}-${p.to ?? count} is empty`);
      return Uint32Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
    }
    case 'marked': {
      const marked = Uint32Array.from(new Set((p.numbers ?? []).filter((n) => n <= count)));
      return marked.sort();
    }
  }
}

export function exportScope(session: CaptureSession, p: ParsedParams<'export.packets'>, policy: OutputPolicy): Results['export.packets'] {
  const numbers = scopeNumbers(session, p);
  const target = outputTarget(p.path, derivedName(session.path, '-export', p.format), policy);
  const written = runExport(session, numbers, target.path, p.format);
  return outputResult(target, written);
}

/** Writes `numbers` of the session's capture; engine export errors become one-line 'failed' errors. */
export function runExport(session: CaptureSession, numbers: Uint32Array, out: string, format: 'pcap' | 'pcapng'): number {
  try {
    return exportPackets(session.path, numbers, out, format, { comments: session.reader.comments }).written;
  } catch (err) {
    if (err instanceof ExportError) throw new ServiceError('failed', `export: ${err.message}`);
    throw err;
  }
}

/**
 * Saves the whole capture: a pcapng source saved as pcapng is copied byte for byte (temp file in the target
 * directory, then rename, so a reader never sees half a file); anything else goes through the exporter.
 */
export function saveCapture(session: CaptureSession, format: 'pcap' | 'pcapng', requested: string | undefined, policy: OutputPolicy): Results['live.save'] {
  const target = outputTarget(requested, derivedName(session.path, '', format), policy);
  const count = session.index.store.count;
  if (format === 'pcapng' && session.reader.format === 'pcapng') {
    const tmp = path.join(path.dirname(target.path), `.${path.basename(target.path)}.${process.pid}.tmp`);
    try {
      fs.copyFileSync(session.path, tmp);
      fs.renameSync(tmp, target.path);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    return outputResult(target, count);
  }
  const written = runExport(session, Uint32Array.from({ length: count }, (_, i) => i + 1), target.path, format);
  return outputResult(target, written);
}
