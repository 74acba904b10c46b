/**
 * The engine side of the UI contract, independent of any transport: one method handler per contract
 * method, the current capture, live capture, and the pushed events (throttled to EVENT_INTERVAL_MS).
 * Connection feeds it validated requests; the worker entry hosts both inside a worker thread.
 */
import * as fs from 'node:fs';
import {
  CaptureStats,
  EVENT_INTERVAL_MS,
  EventName,
  Events,
  Method,
  ParsedParams,
  Results,
  Status,
} from '../../shared/contract';
import { checkFilter } from '../engine/filter';
import { CaptureSession, filterProblem } from './capture-session';
import { ServiceError } from './errors';
import { exportScope, saveCapture } from './export';
import { listFiles } from './files';
import { LiveCaptureHandle, LiveLoad, LiveModule, liveStatus, loadLive } from './live-bridge';
import { allowedPath, realPath } from './paths';
import { defaultSpoolDir, findUnsaved, isUnsaved, markSaved, newSpool, removeSpool, spoolToDiscard } from './spool';
import { Throttle } from './throttle';
import type { Handler, HandlersOf, ViewContext } from './handler';
import { callsHandlers } from './views/calls';
import { dataHandlers } from './views/data';
import { logsHandlers } from './views/logs';
import { sessionsHandlers } from './views/sessions';
import { statsHandlers } from './views/stats';
import { streamHandlers } from './views/stream';

export interface ServiceOptions {
  /** Files may only be opened, listed and written under this directory (serve --root); null: anywhere. */
  root: string | null;
  /** The client may name output paths (Electron's save dialog, serve --root). */
  allowPaths: boolean;
  /** Outputs may be handed out as one-time download URLs (serve). */
  downloads: boolean;
  /** Where live captures spool (default: <tmp>/wirelens-spool). */
  spoolDir?: string;
  /** A live capture implementation to use instead of main/engine/live (tests, hosts). */
  live?: LiveModule | null;
}

export type EventListener = <E extends EventName>(event: E, data: Events[E]) => void;

type Handlers = HandlersOf<Method>;

/** How long live.start waits for the capture to create its spool file. */
const SPOOL_WAIT_MS = 5000;
const STATS_INTERVAL_MS = 250;

interface LiveRun {
  capture: LiveCaptureHandle;
  spool: string;
  running: boolean;
  timer: NodeJS.Timeout;
  lastError: string | null;
}

const EMPTY_STATUS: Status = {
  path: null,
  format: null,
  fileSize: 0,
  bytesRead: 0,
  packets: 0,
  sessions: 0,
  displayed: 0,
  filter: '',
  indexing: false,
  filtering: false,
  live: false,
  firstTs: null,
  error: null,
};

export class EngineService {
  private readonly listeners = new Set<EventListener>();
  private session: CaptureSession | null = null;
  private liveRun: LiveRun | null = null;
  /**
   * Status.live: set when live.start begins and cleared only when live.stop (or the capture ending by itself,
   * or opening another file) has finished the spool's index. Kept here rather than derived from the session,
   * whose flag was set after the spool's first status event had gone out, so clients saw `live: false` for a
   * whole capture on a quiet interface.
   */
  private liveActive = false;
  private recovery: Events['recovery'] | null = null;
  private readonly spoolDir: string;
  private readonly liveLoad: () => LiveLoad;
  private readonly statusThrottle = new Throttle(EVENT_INTERVAL_MS, () => this.emit('status', this.status()));
  private readonly statsThrottle = new Throttle(EVENT_INTERVAL_MS, () => {
    if (this.liveRun) this.emit('captureStats', this.liveStats(this.liveRun));
  });

  constructor(private readonly opts: ServiceOptions) {
    this.spoolDir = opts.spoolDir ?? defaultSpoolDir();
    this.liveLoad = () => loadLive(opts.live);
  }

  /** Registers an event listener; returns the unsubscribe function. A pending recovery notice is replayed to it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    if (this.recovery && this.recovery.spools.length > 0) listener('recovery', this.recovery);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Start-up work: looks for unsaved live captures of earlier runs and announces them. */
  start(): void {
    const spools = findUnsaved(this.spoolDir, this.liveRun?.spool ?? null);
    this.recovery = { spools };
    if (spools.length > 0) this.emit('recovery', this.recovery);
  }

  /** Handles one validated request. Rejects with ServiceError (or anything else, which means 'failed'). */
  handle<M extends Method>(method: M, params: ParsedParams<M>, signal: AbortSignal): Promise<Results[M]> {
    const handler = this.handlers[method] as Handler<M>;
    try {
      return Promise.resolve(handler(params, signal));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  status(): Status {
    if (this.session === null) return { ...EMPTY_STATUS, live: this.liveActive };
    const status = this.session.status();
    status.live = this.liveActive;
    // A capture error (permission lost, interface down) belongs to the file it was writing.
    const run = this.liveRun;
    if (status.error === null && run?.lastError && run.spool === status.path) status.error = run.lastError;
    return status;
  }

  /** Stops everything (worker shutdown). A running capture is stopped; its spool stays recoverable. */
  async dispose(): Promise<void> {
    this.statusThrottle.cancel();
    this.statsThrottle.cancel();
    await this.stopLive();
    this.closeSession();
    this.listeners.clear();
  }

  private emit<E extends EventName>(event: E, data: Events[E]): void {
    for (const l of this.listeners) {
      try {
        l(event, data);
      } catch {
        // A failing transport must not break the engine or the other listeners.
      }
    }
  }

  private changed = (): void => this.statusThrottle.request();

  private setLiveActive(on: boolean): void {
    if (this.liveActive === on) return;
    this.liveActive = on;
    this.changed();
  }

  /** Replaces the recovery list and tells every client (the banner shows exactly this list). */
  private setRecovery(spools: Events['recovery']['spools']): void {
    this.recovery = { spools };
    this.emit('recovery', this.recovery);
  }

  private current(): CaptureSession {
    if (this.session === null) throw new ServiceError('failed', 'no capture is open');
    return this.session;
  }

  private closeSession(): void {
    this.session?.close();
    this.session = null;
  }

  private openSession(path: string, follow: boolean): CaptureSession {
    const next = new CaptureSession(path, { follow }, this.changed);
    this.closeSession();
    this.session = next;
    this.changed();
    return next;
  }

  private policy(): { root: string | null; allowPaths: boolean; downloads: boolean } {
    return { root: this.opts.root, allowPaths: this.opts.allowPaths, downloads: this.opts.downloads };
  }

  private liveStats(run: LiveRun): CaptureStats {
    try {
      return { ...run.capture.stats(), running: run.running, spoolPath: run.spool };
    } catch {
      return { running: run.running, iface: '', received: 0, droppedKernel: 0, droppedInterface: 0, droppedApp: 0, packetsPerSecond: 0, spoolPath: run.spool };
    }
  }

  private liveModule(): LiveModule {
    const load = this.liveLoad();
    if (!load.ok) throw new ServiceError('unavailable', load.reason);
    const st = liveStatus(load);
    if (!st.available) throw new ServiceError('unavailable', st.reason ?? 'live capture is not available');
    return load.live;
  }

  private async stopLive(): Promise<LiveRun | null> {
    const run = this.liveRun;
    if (run === null) return null;
    if (run.running) {
      run.running = false;
      clearInterval(run.timer);
      try {
        await run.capture.stop();
      } catch (err) {
        run.lastError = err instanceof Error ? err.message : String(err);
      }
    }
    return run;
  }

  /** Waits until the capture has written enough of the spool to open it. */
  private async openSpool(spool: string, signal: AbortSignal): Promise<CaptureSession> {
    const until = Date.now() + SPOOL_WAIT_MS;
    for (;;) {
      if (signal.aborted) throw new ServiceError('cancelled', 'cancelled');
      if (this.liveRun?.lastError) throw new ServiceError('failed', this.liveRun.lastError);
      let size = 0;
      try {
        size = fs.statSync(spool).size;
      } catch {
        /* not created yet */
      }
      if (size >= 12) {
        try {
          return this.openSession(spool, true);
        } catch (err) {
          if (Date.now() > until) throw err;
        }
      }
      if (Date.now() > until) throw new ServiceError('failed', `the capture did not start writing ${spool}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** What the analysis views' handlers see of the service. */
  private readonly views: ViewContext = {
    current: () => this.current(),
    session: () => this.session,
    policy: () => this.policy(),
  };

  private readonly handlers: Handlers = {
    ...sessionsHandlers(this.views),
    ...callsHandlers(this.views),
    ...statsHandlers(this.views),
    ...logsHandlers(this.views),
    ...streamHandlers(this.views),
    ...dataHandlers(this.views),
    'capture.open': (p) => {
      const path = allowedPath(p.path, this.opts.root, [this.spoolDir]);
      const session = this.openSession(path, false);
      // Opening a file ends a running capture (its spool stays recoverable); stopping is asynchronous but
      // the new file does not depend on it.
      if (this.liveRun?.running) void this.stopLive().then(() => this.statsThrottle.request());
      this.liveRun = null;
      this.setLiveActive(false);
      return this.status();
    },
    'capture.close': () => {
      this.closeSession();
      this.changed();
      return this.status();
    },
    'capture.status': () => this.status(),
    'packets.rows': (p) => {
      if (this.session === null) return { start: p.start, rows: [], displayed: 0 };
      return this.session.rows(p.start, p.count);
    },
    'packets.indexOf': (p) => ({ index: this.session ? this.session.indexOf(p.number) : -1 }),
    'packet.detail': (p) => this.current().detail(p.number),
    'filter.check': (p) => {
      const e = checkFilter(p.expr);
      return e === null ? { ok: true } : { ok: false, error: filterProblem(e) };
    },
    'filter.apply': (p, signal) => this.current().applyFilter(p.expr, signal),
    'export.packets': (p) => exportScope(this.current(), p, this.policy()),
    'files.list': (p) => listFiles(p.dir, this.opts.root),
    'live.interfaces': () => {
      const load = this.liveLoad();
      const st = liveStatus(load);
      if (!load.ok || !st.available) return { available: false, reason: st.reason, interfaces: [] };
      try {
        return { available: true, interfaces: load.live.listInterfaces() };
      } catch (err) {
        return { available: false, reason: err instanceof Error ? err.message : String(err), interfaces: [] };
      }
    },
    'live.checkFilter': (p) => {
      const error = this.liveModule().checkBpf(p.iface, p.bpf);
      return error === null ? { ok: true } : { ok: false, error };
    },
    'live.start': async (p, signal) => {
      const live = this.liveModule();
      if (this.liveRun?.running) throw new ServiceError('failed', 'a live capture is already running');
      const error = live.checkBpf(p.iface, p.bpf);
      if (error !== null) throw new ServiceError('invalid', `capture filter: ${error}`);
      const spool = newSpool(this.spoolDir, p.iface);
      const capture = new live.LiveCapture({ iface: p.iface, bpf: p.bpf, spoolPath: spool });
      const run: LiveRun = {
        capture,
        spool,
        running: true,
        lastError: null,
        timer: setInterval(() => this.statsThrottle.request(), STATS_INTERVAL_MS),
      };
      // An EventEmitter 'error' without a listener would throw and end the worker.
      capture.on('error', (err: unknown) => {
        run.lastError = err instanceof Error ? err.message : String(err);
        this.changed();
      });
      // The capture can end by itself (interface gone, a write error): finish the file as live.stop would.
      capture.on('stopped', () => {
        if (!run.running) return;
        run.running = false;
        clearInterval(run.timer);
        const s = this.session;
        if (s !== null && s.path === run.spool) {
          s.finishNow();
          s.live = false;
        }
        if (this.liveRun === run) this.setLiveActive(false);
        this.changed();
        this.statsThrottle.request();
      });
      this.liveRun = run;
      this.setLiveActive(true);
      try {
        capture.start();
        const session = await this.openSpool(spool, signal);
        session.live = true;
      } catch (err) {
        await this.stopLive();
        this.liveRun = null;
        this.setLiveActive(false);
        throw err;
      }
      // The spool's first status went out while it was opening; say once more that it is the live capture.
      this.changed();
      this.statsThrottle.request();
      return this.liveStats(run);
    },
    'live.stop': async () => {
      const run = await this.stopLive();
      if (run === null) throw new ServiceError('failed', 'no live capture is running');
      const s = this.session;
      if (s !== null && s.path === run.spool) {
        s.finishNow();
        s.live = false;
      }
      if (this.liveRun === run) this.setLiveActive(false);
      this.changed();
      this.statsThrottle.request();
      return this.liveStats(run);
    },
    'live.save': (p) => {
      const s = this.current();
      if (this.liveRun?.running && this.liveRun.spool === s.path) throw new ServiceError('failed', 'stop the capture before saving it');
      const result = saveCapture(s, p.format, p.path, this.policy());
      if (isUnsaved(s.path)) {
        markSaved(s.path);
        // Every client's banner drops the saved spool.
        if (this.recovery) this.setRecovery(this.recovery.spools.filter((x) => x.path !== s.path));
      }
      return result;
    },
    'live.discard': (p) => {
      const real = spoolToDiscard(this.spoolDir, p.path);
      const run = this.liveRun;
      if (run?.running && realPath(run.spool, null) === real) {
        throw new ServiceError('failed', 'that spool belongs to the running capture: stop it first');
      }
      // Discarding the capture on screen (a stopped, unsaved capture, or a recovered spool): close it first,
      // its reader holds the file open.
      if (this.session !== null && realPath(this.session.path, null) === real) {
        this.closeSession();
        this.changed();
      }
      removeSpool(real);
      if (run !== null && realPath(run.spool, null) === real) this.liveRun = null;
      const spools = (this.recovery?.spools ?? []).filter((x) => realPath(x.path, null) !== real);
      this.setRecovery(spools);
      return { discarded: real, spools };
    },
  };
}
