/**
 * Splitting a capture into sessions: one capture file per session into a directory (or a tar archive), or
 * one JSON document listing every session (see split-json.ts). Shared by `wirelens split` and the app's
 * "Split into sessions…"; both have indexed the capture first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { CaptureIndex } from '../capture/capture-index';
import { TextSink } from '../export/text-sink';
import type { SessionEnrichment } from '../sessions/session-enrichment';
import type { SplitCaptureFormat } from './capture-encoding';
import { Pacer } from './pacer';
import { writeSplitFiles } from './split-files';
import { writeSplitJson } from './split-json';
import { planSplit, type SplitOptions } from './split-plan';
import { DirectorySink, TarSink, prepareDirectory } from './unit-sinks';

export type SplitFormat = SplitCaptureFormat | 'json';
export const SPLIT_FORMATS: readonly SplitFormat[] = ['pcap', 'pcapng', 'json'];

export interface SplitRequest extends SplitOptions {
  format: SplitFormat;
  /** JSON only: base64 transport payloads. */
  payloads: boolean;
}

export interface SplitResult {
  format: SplitFormat;
  /** Sessions written (one file each, or one entry of the JSON document each). */
  written: number;
  /** Sessions left out: skippedNoHandshake + skippedByFilter + skippedLinkTypes. */
  skipped: number;
  skippedNoHandshake: number;
  skippedByFilter: number;
  skippedLinkTypes: number;
  /** Packets written to all files (the sessions' own packets for JSON). */
  packets: number;
  /** Packets that belong to no session, and the file they were written to (null: not written). */
  unassignedPackets: number;
  unassignedFile: string | null;
}

/** Writes one file per session into `dir` (created, or an empty existing directory unless `force`). */
export async function splitToDirectory(
  index: CaptureIndex,
  sourcePath: string,
  req: SplitRequest & { format: SplitCaptureFormat },
  dir: string,
  opts: { force?: boolean; signal?: AbortSignal } = {},
): Promise<SplitResult> {
  prepareDirectory(dir, opts.force === true);
  const plan = planSplit(index, req);
  const r = await writeSplitFiles(index, plan, sourcePath, req.format, new DirectorySink(dir, opts.force === true), new Pacer(opts.signal));
  return filesResult(req.format, plan, r);
}

/** The same files as entries `folder/NAME` of one tar archive at `tarPath` (written atomically). */
export function splitToTar(
  index: CaptureIndex,
  sourcePath: string,
  req: SplitRequest & { format: SplitCaptureFormat },
  tarPath: string,
  folder: string,
  signal?: AbortSignal,
): Promise<SplitResult> {
  return writeFileAtomically(tarPath, async (fd) => {
    const plan = planSplit(index, req);
    const r = await writeSplitFiles(index, plan, sourcePath, req.format, new TarSink(fd, folder), new Pacer(signal));
    return filesResult(req.format, plan, r);
  });
}

/**
 * Writes the JSON document to `fd` (stdout, or an open file). Use splitToJsonFile for a path, which writes
 * atomically.
 */
export async function splitToJson(
  index: CaptureIndex,
  sourcePath: string,
  req: SplitRequest,
  enrich: SessionEnrichment | null,
  fd: number,
  signal?: AbortSignal,
): Promise<SplitResult> {
  // The document lists sessions: packets of no session have no place in it.
  const plan = planSplit(index, { ...req, unassigned: false });
  const r = await writeSplitJson(index, plan, { source: sourcePath, payloads: req.payloads, enrich }, new TextSink(fd), new Pacer(signal));
  return {
    format: 'json',
    written: r.sessions,
    skipped: plan.skippedNoHandshake + plan.skippedByFilter,
    skippedNoHandshake: plan.skippedNoHandshake,
    skippedByFilter: plan.skippedByFilter,
    skippedLinkTypes: 0,
    packets: r.packets,
    unassignedPackets: plan.unassignedPackets,
    unassignedFile: null,
  };
}

/** splitToJson into a file, replaced atomically (temp file + rename) once the document is complete. */
export function splitToJsonFile(
  index: CaptureIndex,
  sourcePath: string,
  req: SplitRequest,
  enrich: SessionEnrichment | null,
  outPath: string,
  signal?: AbortSignal,
): Promise<SplitResult> {
  return writeFileAtomically(outPath, (fd) => splitToJson(index, sourcePath, req, enrich, fd, signal));
}

/**
 * writers/atomic.ts's writeAtomically for an asynchronous writer (a split yields to the event loop): a temp
 * file in the same directory, fsynced and renamed over `finalPath` when `fn` succeeds, removed otherwise.
 */
async function writeFileAtomically<T>(finalPath: string, fn: (fd: number) => Promise<T>): Promise<T> {
  const temp = path.join(path.dirname(path.resolve(finalPath)), `.${path.basename(finalPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd = fs.openSync(temp, 'wx', 0o644);
  try {
    const result = await fn(fd);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(temp, finalPath);
    return result;
  } catch (err) {
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

function filesResult(format: SplitFormat, plan: ReturnType<typeof planSplit>, r: Awaited<ReturnType<typeof writeSplitFiles>>): SplitResult {
  return {
    format,
    written: r.sessions,
    skipped: plan.skippedNoHandshake + plan.skippedByFilter + r.skippedLinkTypes,
    skippedNoHandshake: plan.skippedNoHandshake,
    skippedByFilter: plan.skippedByFilter,
    skippedLinkTypes: r.skippedLinkTypes,
    packets: r.packets,
    unassignedPackets: plan.unassignedPackets,
    unassignedFile: r.unassignedFile,
  };
}
