/**
 * One open capture: its reader, the incremental index pass, the displayed list under the current display
 * filter, and the on-demand views (rows, detail). Indexing and filtering run in short time slices on the
 * event loop so that requests (rows for the visible page, a detail) are answered while they progress.
 */
import type { FilterProblem, PacketDetail, Results, Status } from '../../shared/contract';
import { CaptureIndex } from '../engine/capture/capture-index';
import { epochString } from '../engine/capture/columns';
import { PacketAccess } from '../engine/capture/packet-access';
import { CompiledFilter, compileFilter, FilterSyntaxError } from '../engine/filter';
import type { FilterError } from '../engine/filter';
import { openCapture } from '../engine/readers/open';
import { sharedRules } from '../engine/classify/load-rules';
import { GeoResolver } from '../engine/geo/geo-resolver';
import { readGeoSettings } from '../engine/geo/geo-settings';
import { SessionEnrichment } from '../engine/sessions/session-enrichment';
import { ProtocolHierarchy } from '../engine/stats/protocol-hierarchy';
import type { CaptureReader } from '../engine/readers/record';
import { defaultColorRules } from './colors';
import { DetailBuilder } from './detail';
import { DisplayList } from './display-list';
import { cancelled, oneLine, ServiceError } from './errors';
import { buildRow, timeDigits } from './rows';

/** Longest stretch of indexing or filtering before yielding to pending requests. */
const SLICE_MS = 12;
/**
 * Packets per index step, between checks of the slice deadline. The pass starts small and adapts: the first few
 * thousand packets run through cold (unoptimised) dissectors at up to a few hundred µs each, so a fixed step of 2048 held the
 * event loop for 100 ms and more right after Open, just when the first rows request is waiting to be answered.
 */
const MIN_STEP_PACKETS = 64;
const MAX_STEP_PACKETS = 4096;
/**
 * Packets indexed synchronously on open, before capture.open answers: a screenful of rows and more (the list's
 * first block is 50 rows), so that the answer already has rows to show. Each of these first packets goes through
 * cold dissectors (~0.1 ms apiece): more would only delay the answer.
 */
const FIRST_STEP_PACKETS = 128;
/**
 * Opening the GeoIP databases takes ~0.3 s of the worker's time (parsing the ASN table): it waits until this long
 * after the first rows were served, so that it never holds up the first screenful or the requests right after it.
 */
const GEO_WARM_AFTER_ROWS_MS = 1000;
/** ... or this long after Open when no rows are asked for at all (a client showing another view). */
const GEO_WARM_FALLBACK_MS = 3000;
/** How often a followed (live) file is polled for growth when no new packet was there. */
const FOLLOW_POLL_MS = 150;

interface PendingApply {
  display: DisplayList;
  /** What to go back to if this apply is cancelled: the last display that finished. */
  previous: DisplayList | null;
  resolve: (r: Results['filter.apply']) => void;
  reject: (e: Error) => void;
  detach: () => void;
}

export function filterProblem(e: FilterError): FilterProblem {
  const p: FilterProblem = { message: e.message, start: e.start, end: e.end };
  if (e.suggestions && e.suggestions.length > 0) p.suggestions = [...e.suggestions];
  return p;
}

export class CaptureSession {
  readonly reader: CaptureReader;
  readonly index: CaptureIndex;
  /** Application, category, SNI/host name, country and ASN of every session (the analysis views read it). */
  readonly enrichment: SessionEnrichment;
  /** Protocol hierarchy statistics, counted by the index pass (the statistics view reads it). */
  readonly hierarchy = new ProtocolHierarchy();
  /** Still reading the file (or following it). */
  indexing = true;
  /** A live capture is writing this file. */
  live = false;
  private follow: boolean;
  private closed = false;
  /** Why indexing or filtering stopped early (an engine bug), shown in Status.error. */
  private failure: string | null = null;
  private display: DisplayList | null = null;
  private pending: PendingApply | null = null;
  private readonly filterAccess: PacketAccess;
  private readonly rowAccess: PacketAccess;
  private readonly details: DetailBuilder;
  /** The next indexing slice: an immediate while data flows, a timeout while polling a followed file. */
  private indexImmediate: NodeJS.Immediate | null = null;
  private indexPoll: NodeJS.Timeout | null = null;
  private filterTimer: NodeJS.Immediate | null = null;
  private geoWarm: NodeJS.Timeout | null = null;
  private readonly geo: GeoResolver;
  /** Some rows have been served (the GeoIP warm-up is scheduled after the first). */
  private rowsServed = false;
  /** Current index step (see MIN_STEP_PACKETS). */
  private stepPackets = MIN_STEP_PACKETS * 4;

  /** Opens `path` (throws ServiceError 'failed' when it is not a readable capture) and starts indexing. */
  constructor(
    readonly path: string,
    opts: { follow: boolean },
    private readonly changed: () => void,
  ) {
    try {
      this.reader = openCapture(path, { follow: opts.follow });
    } catch (err) {
      throw new ServiceError('failed', err instanceof Error ? err.message : String(err));
    }
    this.follow = opts.follow;
    const geo = new GeoResolver(readGeoSettings());
    this.geo = geo;
    this.enrichment = new SessionEnrichment({ rules: sharedRules(), geo });
    // The GeoIP databases (cached per process) open once the first rows are out, between indexing slices,
    // rather than inside the first request of a view that shows countries or ASNs.
    this.scheduleGeoWarm(GEO_WARM_FALLBACK_MS);
    this.index = new CaptureIndex(this.reader, { enrich: this.enrichment, also: [this.hierarchy] });
    this.filterAccess = new PacketAccess(this.index);
    this.rowAccess = new PacketAccess(this.index);
    this.details = new DetailBuilder(this.index);
    // A first screenful indexed before capture.open answers: the answer then carries rows to ask for at once,
    // instead of the list waiting a status-event interval for the first count (the "first rows" latency).
    try {
      this.index.step(FIRST_STEP_PACKETS);
    } catch (err) {
      // As in pumpIndex: keep what was indexed and say why it stopped.
      this.failure = `indexing stopped: ${oneLine(err)}`;
      this.endIndexing();
      return;
    }
    this.indexImmediate = setImmediate(this.pumpIndex);
  }

  /** Closed (its reader too): views working in the background must stop reading packets. */
  get isClosed(): boolean {
    return this.closed;
  }

  get displayed(): number {
    return this.display ? this.display.count : this.index.store.count;
  }

  /** The current display filter's packets (null: no filter, every packet shown); read-only for the views. */
  get displayList(): DisplayList | null {
    return this.display;
  }

  status(): Status {
    const r = this.reader;
    const fatal = r.errors.find((e) => e.fatal);
    const filtering = this.pending !== null || (this.display !== null && this.display.scanned < this.index.store.count);
    return {
      path: this.path,
      format: r.format,
      fileSize: r.fileSize,
      bytesRead: r.position,
      packets: this.index.store.count,
      sessions: this.index.sessions.count,
      displayed: this.displayed,
      filter: (this.pending?.display ?? this.display)?.filter.text ?? '',
      indexing: this.indexing,
      filtering,
      live: this.live,
      firstTs: this.index.store.count > 0 ? epochString(this.index.firstSec, this.index.firstNsec) : null,
      error: fatal ? `${fatal.message} (byte offset ${fatal.offset}, packet ${fatal.packet})` : this.failure,
    };
  }

  rows(start: number, count: number): Results['packets.rows'] {
    if (!this.rowsServed) {
      this.rowsServed = true;
      this.scheduleGeoWarm(GEO_WARM_AFTER_ROWS_MS);
    }
    const total = this.displayed;
    const end = Math.min(total, start + count);
    const rules = defaultColorRules();
    const digits = timeDigits(this.reader);
    const rows = [];
    for (let k = start; k < end; k++) {
      const number = this.numberAt(k);
      const prev = k > 0 ? this.numberAt(k - 1) : 0;
      rows.push(buildRow(this.index, this.rowAccess, rules, digits, number, prev));
    }
    return { start, rows, displayed: total };
  }

  indexOf(number: number): number {
    if (this.display) return this.display.indexOf(number);
    return number <= this.index.store.count ? number - 1 : -1;
  }

  detail(number: number): PacketDetail {
    if (number > this.index.store.count) throw new ServiceError('failed', `packet ${number} does not exist (yet): ${this.index.store.count} indexed`);
    return this.details.build(number);
  }

  /**
   * The display filter's packet numbers so far (a view into the live list, no copy: it holds the numbers
   * found when asked, later ones go to a longer view), or null when no filter is applied (every packet).
   */
  displayedView(): Uint32Array | null {
    return this.display ? this.display.view() : null;
  }

  /** Displayed packet numbers (a copy), for exporting what is shown. */
  displayedNumbers(): Uint32Array {
    if (this.display) return this.display.view().slice();
    return Uint32Array.from({ length: this.index.store.count }, (_, i) => i + 1);
  }

  /**
   * Applies a display filter. Resolves when every packet indexed so far is decided (packets indexed later
   * are filtered as they come); a newer apply, the signal, or closing rejects it with 'cancelled'.
   */
  applyFilter(expr: string, signal: AbortSignal): Promise<Results['filter.apply']> {
    let filter: CompiledFilter | null = null;
    if (expr.trim() !== '') {
      try {
        filter = compileFilter(expr);
      } catch (err) {
        if (err instanceof FilterSyntaxError) return Promise.resolve({ ok: false, error: filterProblem(err.error), displayed: this.displayed });
        throw err;
      }
    }
    const previous = this.pending ? this.pending.previous : this.display;
    this.cancelPending(false);
    if (filter === null || filter.matchesAll) {
      this.display = null;
      this.changed();
      return Promise.resolve({ ok: true, displayed: this.displayed });
    }
    const display = new DisplayList(filter);
    this.display = display;
    this.changed();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        if (this.pending?.display !== display) return;
        this.pending = null;
        this.display = previous;
        this.kickFilter();
        this.changed();
        reject(cancelled());
      };
      signal.addEventListener('abort', onAbort);
      this.pending = { display, previous, resolve, reject, detach: () => signal.removeEventListener('abort', onAbort) };
      if (signal.aborted) onAbort();
      else this.kickFilter();
    });
  }

  /** Stops following the file: reads what is left now, then the index is complete. */
  finishNow(): void {
    this.follow = false;
    if (this.closed) return;
    while (this.index.step(65536) > 0) {
      /* drain */
    }
    this.endIndexing();
    this.kickFilter();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.geoWarm !== null) clearTimeout(this.geoWarm);
    this.cancelPending(true);
    this.stopIndexTimers();
    if (this.filterTimer !== null) clearImmediate(this.filterTimer);
    this.filterTimer = null;
    this.reader.close();
  }

  private scheduleGeoWarm(delayMs: number): void {
    if (this.geoWarm !== null) clearTimeout(this.geoWarm);
    this.geoWarm = setTimeout(() => {
      this.geoWarm = null;
      if (!this.closed) this.geo.warm();
    }, delayMs);
  }

  private numberAt(k: number): number {
    return this.display ? this.display.at(k) : k + 1;
  }

  private cancelPending(revert: boolean): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    p.detach();
    if (revert) this.display = p.previous;
    p.reject(cancelled());
  }

  private readonly pumpIndex = (): void => {
    this.indexImmediate = null;
    this.indexPoll = null;
    if (this.closed) return;
    try {
      this.indexSlice();
    } catch (err) {
      // A decoder bug must not take the worker down: keep what was indexed and say why it stopped.
      this.failure = `indexing stopped: ${oneLine(err)}`;
      this.endIndexing();
    }
  };

  private indexSlice(): void {
    const deadline = performance.now() + SLICE_MS;
    let got = 0;
    let n = 0;
    do {
      const want = this.stepPackets;
      const t0 = performance.now();
      n = this.index.step(want);
      got += n;
      const took = performance.now() - t0;
      // Keep each step to a fraction of the slice, so a request waits at most about one slice.
      if (took > SLICE_MS / 2) this.stepPackets = Math.max(MIN_STEP_PACKETS, want >> 1);
      else if (n === want && took < SLICE_MS / 8) this.stepPackets = Math.min(MAX_STEP_PACKETS, want << 1);
    } while (n > 0 && performance.now() < deadline);
    if (got > 0) {
      this.kickFilter();
      this.changed();
    }
    const fatal = this.reader.errors.some((e) => e.fatal);
    if (n > 0) this.indexImmediate = setImmediate(this.pumpIndex);
    else if (this.follow && !fatal) this.indexPoll = setTimeout(this.pumpIndex, FOLLOW_POLL_MS);
    else this.endIndexing();
  }

  private endIndexing(): void {
    if (!this.indexing) return;
    this.index.finish();
    this.indexing = false;
    this.stopIndexTimers();
    this.changed();
  }

  // Each kind is cleared with its own function: clearImmediate on a Timeout corrupts Node's immediate queue.
  private stopIndexTimers(): void {
    if (this.indexImmediate !== null) clearImmediate(this.indexImmediate);
    if (this.indexPoll !== null) clearTimeout(this.indexPoll);
    this.indexImmediate = null;
    this.indexPoll = null;
  }

  private kickFilter(): void {
    if (this.filterTimer !== null || this.closed) return;
    const d = this.display;
    if (d === null) return;
    if (d.scanned < this.index.store.count) this.filterTimer = setImmediate(this.pumpFilter);
    else this.settle();
  }

  private readonly pumpFilter = (): void => {
    this.filterTimer = null;
    const d = this.display;
    if (this.closed || d === null) return;
    let done: boolean;
    try {
      done = d.advance(this.index, this.filterAccess, performance.now() + SLICE_MS);
    } catch (err) {
      // Same for the filter: answer the apply with the reason and show every packet again.
      this.failure = `filtering stopped: ${oneLine(err)}`;
      const p = this.pending;
      this.pending = null;
      this.display = null;
      if (p) {
        p.detach();
        p.reject(new ServiceError('failed', this.failure));
      }
      this.changed();
      return;
    }
    this.changed();
    if (!done) this.filterTimer = setImmediate(this.pumpFilter);
    else this.settle();
  };

  /** The current display caught up with the index: an apply waiting for it is answered. */
  private settle(): void {
    const p = this.pending;
    if (p === null || p.display !== this.display) return;
    this.pending = null;
    p.detach();
    p.resolve({ ok: true, displayed: p.display.count });
    this.changed();
  }
}
