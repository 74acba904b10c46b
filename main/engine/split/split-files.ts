/**
 * Writes a split plan as one pcap/pcapng file per unit, one file after another: each unit's packets are read
 * from the source at their stored offsets into the shared output buffer (no per-packet object). Sessions are
 * taken in order of their first packet, so reads move through the source roughly in order even though each
 * file gathers packets from across it: a small block cache (source-blocks.ts) serves most of them.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { captureEncoding, type SplitCaptureFormat } from './capture-encoding';
import type { Pacer } from './pacer';
import { SessionFileNames } from './session-file-names';
import { SourceBlocks } from './source-blocks';
import type { SplitPlan } from './split-plan';
import type { UnitSink } from './unit-sinks';

export interface SplitFilesResult {
  /** Files written (sessions, plus the unassigned file when there is one). */
  files: number;
  /** Sessions written (files minus the unassigned one). */
  sessions: number;
  packets: number;
  /** pcap holds one link type: sessions whose packets came from interfaces of different link types. */
  skippedLinkTypes: number;
  /** The unassigned file's name, when written. */
  unassignedFile: string | null;
  /** The unassigned packets were not written as pcap because they have different link types. */
  unassignedMixed: boolean;
}

export async function writeSplitFiles(
  index: CaptureIndex,
  plan: SplitPlan,
  sourcePath: string,
  format: SplitCaptureFormat,
  sink: UnitSink,
  pacer: Pacer,
): Promise<SplitFilesResult> {
  const interfaces = index.reader.interfaces;
  const enc = captureEncoding(format, interfaces);
  const names = new SessionFileNames(index);
  const out = sink.out;
  const result: SplitFilesResult = { files: 0, sessions: 0, packets: 0, skippedLinkTypes: 0, unassignedFile: null, unassignedMixed: false };
  const src = new SourceBlocks(sourcePath);
  try {
    const units = plan.unitSession.length;
    for (let u = 0; u < units; u++) {
      await pacer.tick();
      // Read the columns through the store each time: a live capture's index may grow them between slices.
      const store = index.store;
      const from = plan.unitStart[u] as number;
      const to = plan.unitStart[u + 1] as number;
      const sid = plan.unitSession[u] as number;
      const first = plan.order[from] as number;
      const linkType = interfaces[store.ifId[first] as number]?.linkType ?? 1;
      let size = 0;
      let mixed = false;
      for (let k = from; k < to; k++) {
        const i = plan.order[k] as number;
        size += enc.recordSize(store.caplen[i] as number);
        if (format === 'pcap' && interfaces[store.ifId[i] as number]?.linkType !== linkType) mixed = true;
      }
      if (mixed) {
        if (sid >= 0) result.skippedLinkTypes++;
        else result.unassignedMixed = true;
        continue;
      }
      const header = enc.header(linkType);
      const name = names.next(sid, format);
      sink.begin(name, header.length + size);
      out.write(header);
      for (let k = from; k < to; k++) {
        const i = plan.order[k] as number;
        const caplen = store.caplen[i] as number;
        const at = enc.beginRecord(out, store.tsSec[i] as number, store.tsNsec[i] as number, caplen, store.len[i] as number, store.ifId[i] as number);
        src.read(out.buf, at, caplen, store.fileOffset[i] as number);
      }
      sink.end();
      result.files++;
      result.packets += to - from;
      if (sid >= 0) result.sessions++;
      else result.unassignedFile = name;
    }
    sink.finish();
  } catch (err) {
    sink.abort();
    throw err;
  } finally {
    src.close();
  }
  return result;
}
