/**
 * The statistics of one open capture, with what is worth keeping between requests: running sums that extend
 * themselves over newly indexed packets (summary times/sizes, per-endpoint and per-session counts), and the
 * last sorted host order (paging through top talkers does not sort again until more packets arrive).
 * `numbers` is the display filter's list of packet numbers, or null for every packet.
 */
import type { CaptureIndex } from '../capture/capture-index';
import type { CaptureReader } from '../readers/record';
import type { SessionEnrichment } from '../sessions/session-enrichment';
import type { AppsResult, GeoResult, HierarchyResult, IoResult, StatsSummary, TalkersResult } from '../../../shared/views/stats';
import { appsSummary } from './apps-summary';
import { geoSummary } from './geo-summary';
import { ioGraph, type IoParams } from './io-graph';
import type { ProtocolHierarchy } from './protocol-hierarchy';
import { ScopeCounts } from './scope-counts';
import { buildSummary, readSectionInfo, TimeSpan, type SectionInfo } from './summary';
import { hostIds, sessionsPerHost, sortHosts, talkerRows, type Family, type TalkerSort } from './talkers';

export interface TalkerParams {
  family: Family;
  sort: TalkerSort;
  desc: boolean;
  start: number;
  count: number;
}

interface SortedHosts {
  key: string;
  counts: ScopeCounts;
  sessions: Float64Array;
  ids: Uint32Array;
}

export class CaptureStatistics {
  private readonly span = new TimeSpan();
  private section: SectionInfo | null = null;
  private readonly all = new ScopeCounts();
  /** Counts over the last display list asked for, while neither it nor the index has changed. */
  private displayed: { numbers: Uint32Array; length: number; processed: number; counts: ScopeCounts } | null = null;
  private sorted: SortedHosts | null = null;

  constructor(
    private readonly index: CaptureIndex,
    private readonly reader: CaptureReader,
    private readonly path: string,
    private readonly enrichment: SessionEnrichment,
    private readonly hierarchy: ProtocolHierarchy,
  ) {}

  summary(indexing: boolean): StatsSummary {
    this.section ??= readSectionInfo(this.reader);
    return buildSummary({ index: this.index, reader: this.reader, path: this.path, span: this.span, section: this.section, indexing });
  }

  protocolHierarchy(numbers: Uint32Array | null, indexing: boolean): HierarchyResult {
    const r = this.hierarchy.result(numbers);
    return { scope: numbers === null ? 'all' : 'displayed', frames: r.frames, bytes: r.bytes, nodes: r.nodes, indexing };
  }

  talkers(numbers: Uint32Array | null, p: TalkerParams, indexing: boolean): TalkersResult {
    const counts = this.counts(numbers);
    const key = `${numbers === null ? 'all' : 'displayed'}|${p.family}|${p.sort}|${p.desc}|${counts.processed}|${counts.packets}`;
    let sorted = this.sorted;
    if (sorted === null || sorted.key !== key || sorted.counts !== counts) {
      const sessions = sessionsPerHost(this.index, counts);
      const ids = hostIds(this.index, counts, p.family).slice();
      sortHosts(this.index, counts, sessions, ids, p.sort, p.desc);
      sorted = { key, counts, sessions, ids };
      this.sorted = sorted;
    }
    const page = sorted.ids.subarray(Math.min(p.start, sorted.ids.length), Math.min(p.start + p.count, sorted.ids.length));
    return {
      scope: numbers === null ? 'all' : 'displayed',
      total: sorted.ids.length,
      start: p.start,
      rows: talkerRows(this.index, this.enrichment, counts, sorted.sessions, page),
      packets: counts.packets,
      bytes: counts.bytes,
      indexing,
    };
  }

  geo(numbers: Uint32Array | null, limit: number, indexing: boolean): GeoResult {
    return geoSummary(this.index, this.enrichment, this.counts(numbers), numbers === null ? 'all' : 'displayed', limit, indexing);
  }

  apps(numbers: Uint32Array | null, indexing: boolean): AppsResult {
    return appsSummary(this.index, this.enrichment, this.counts(numbers), numbers === null ? 'all' : 'displayed', indexing);
  }

  io(numbers: Uint32Array | null, p: IoParams, indexing: boolean): IoResult {
    return ioGraph(this.index, this.enrichment, numbers, numbers === null ? 'all' : 'displayed', p, indexing);
  }

  /** Endpoint and session counts of the scope: the whole capture's are extended, a display list's reused. */
  private counts(numbers: Uint32Array | null): ScopeCounts {
    if (numbers === null) {
      this.all.extend(this.index);
      return this.all;
    }
    const d = this.displayed;
    // The display list grows in place (same buffer, longer view) while a filter runs over new packets.
    if (d !== null && d.numbers.buffer === numbers.buffer && d.length === numbers.length && d.processed === this.index.store.count) return d.counts;
    const counts = ScopeCounts.over(this.index, numbers);
    this.displayed = { numbers, length: numbers.length, processed: this.index.store.count, counts };
    return counts;
  }
}
