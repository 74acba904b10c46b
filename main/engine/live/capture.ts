/**
 * A live capture: libpcap (through the patched `cap` binding) → a bounded queue → a pcapng spool file that the
 * store follows. Runs on whichever thread creates it (the engine's worker in the app, the main thread in the
 * CLI): the binding's poll handle sits on that thread's event loop and hands over at most 256 packets per loop
 * turn, and the queue is drained in bounded batches, so messages to the thread are never held up for long.
 */
import { EventEmitter } from 'node:events';
import type { CaptureStats } from '../../../shared/contract';
import { PcapngWriter } from '../writers/pcapng-writer';
import { CapHandle, loadBinding } from './binding';
import { checkBpf, linkTypeFromDlt, rememberLinkType } from './interfaces';
import { LiveCaptureError, describeOpenError } from './permission';

export interface LiveCaptureOptions {
  iface: string;
  /** Capture filter (BPF); '' captures everything. */
  bpf: string;
  /** The pcapng file packets are spooled to (created or truncated). */
  spoolPath: string;
  /** Bytes kept of each packet (default 262144, libpcap's default: whole packets). */
  snaplen?: number;
  /** Keep only this many packets, then emit 'limit' (the caller stops; later packets are not kept). */
  maxPackets?: number;
}

/** libpcap's default snap length; also the size of the buffer each packet is copied into. */
const DEFAULT_SNAPLEN = 262144;
/** Kernel capture buffer: absorbs the time this thread is busy with other work (indexing, filtering). */
const KERNEL_BUFFER_BYTES = 32 * 1024 * 1024;
/** The queue between the capture callback and the spool writer; beyond either bound packets count as dropped by the app. */
const QUEUE_MAX_BYTES = 64 * 1024 * 1024;
const QUEUE_MAX_PACKETS = 500_000;
/** Packets written per event-loop turn, so a backlog cannot hold up message handling. */
const DRAIN_BATCH = 4096;
/**
 * A follower sees packets within this time, and a crash loses at most this much (besides the writer's buffer
 * filling, which flushes at 1 MiB on its own).
 */
const FLUSH_INTERVAL_MS = 100;
/** Window of the packets/s figure. */
const RATE_WINDOW_MS = 1000;
/**
 * libpcap's buffer timeout: packets are handed over in blocks, when a block is full or after this long. Immediate
 * mode (one wake-up per packet, and on Linux a ring of MTU-sized frames: a few hundred on lo) dropped packets
 * at rates block mode takes easily; 100 ms is below what a person notices in a live view.
 */
const BUFFER_TIMEOUT_MS = 100;
/** At stop: packets the kernel already holds are read until none came for longer than the buffer timeout. */
const FINAL_QUIET_MS = BUFFER_TIMEOUT_MS + 50;
const FINAL_READ_MAX_MS = 2000;

interface QueuedPacket {
  data: Buffer;
  tsSec: number;
  tsNsec: number;
  len: number;
}

type State = 'new' | 'running' | 'stopping' | 'stopped';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function wallClock(): { tsSec: number; tsNsec: number } {
  const ms = Date.now();
  return { tsSec: Math.floor(ms / 1000), tsNsec: (ms % 1000) * 1e6 };
}

/**
 * Emits 'error' (a LiveCaptureError whose message says what to do: the setcap remedy when permission is
 * missing, libpcap's text for a bad filter...), then 'stopped' once the spool is complete (after stop(), or
 * after an error that ended a running capture). start() emits a start failure synchronously, so listeners must
 * be attached before it; without an 'error' listener the error is thrown from start().
 */
export class LiveCapture extends EventEmitter {
  private state: State = 'new';
  private cap: CapHandle | null = null;
  private writer: PcapngWriter | null = null;
  private readonly snaplen: number;
  private buffer: Buffer | null = null;
  private tsToNs = 1;
  private queue: QueuedPacket[] = [];
  private queueHead = 0;
  private queuedBytes = 0;
  private drainScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private stopping: Promise<void> | null = null;
  private startedAt: { tsSec: number; tsNsec: number } | null = null;
  private spoolCreated = false;
  private limitReached = false;
  /** Writing failed: at stop the spool is only closed (its error was reported). */
  private spoolBroken = false;
  /** Packets handed to us by libpcap, kept or not. */
  private received = 0;
  private droppedApp = 0;
  private written = 0;
  private kernel = { received: 0, dropped: 0, ifdropped: 0 };
  private samples: Array<{ t: number; n: number }> = [];
  /** libpcap's DLT and the timestamp digits of the running capture (for callers that print them). */
  linkType = -1;
  tsDigits = 6;

  constructor(private readonly opts: LiveCaptureOptions) {
    super();
    this.snaplen = opts.snaplen !== undefined && opts.snaplen > 0 ? Math.min(opts.snaplen, DEFAULT_SNAPLEN) : DEFAULT_SNAPLEN;
  }

  start(): void {
    if (this.state !== 'new') {
      this.failStart(new LiveCaptureError('this capture was already started (create a new LiveCapture)', 'failed'));
      return;
    }
    const { iface, bpf, spoolPath } = this.opts;
    const { binding, reason } = loadBinding();
    if (binding === undefined) {
      this.failStart(new LiveCaptureError(reason, 'unavailable'));
      return;
    }
    const filterError = checkBpf(iface, bpf);
    if (filterError !== null) {
      this.failStart(new LiveCaptureError(`Invalid capture filter "${bpf}": ${filterError}`, 'filter'));
      return;
    }
    const cap = new binding.Cap();
    // The binding copies every packet into this one buffer (and, patched, keeps it referenced while open).
    const buffer = Buffer.alloc(this.snaplen);
    try {
      cap.open(iface, bpf, KERNEL_BUFFER_BYTES, buffer, {
        snaplen: this.snaplen,
        nanoseconds: true,
        immediate: false,
        timeout: BUFFER_TIMEOUT_MS,
      });
    } catch (err) {
      this.failStart(describeOpenError(iface, err));
      return;
    }
    this.cap = cap;
    this.buffer = buffer;
    this.linkType = cap.linkType();
    this.tsDigits = cap.tstampDigits();
    this.tsToNs = this.tsDigits === 9 ? 1 : 1000;
    rememberLinkType(iface, this.linkType);
    let description: string | undefined;
    try {
      description = binding.deviceList().find((d) => d.name === iface)?.description;
    } catch {
      /* only a nicety for the IDB */
    }
    try {
      this.writer = new PcapngWriter(spoolPath, {
        application: 'wirelens (live capture)',
        interfaces: [
          {
            linkType: linkTypeFromDlt(this.linkType),
            snaplen: this.snaplen,
            name: iface,
            description,
            tsResolution: { base: 10, exponent: this.tsDigits },
          },
        ],
      });
      this.spoolCreated = true;
      // The follower can open the file (SHB + IDB) before the first packet.
      this.writer.flush();
    } catch (err) {
      cap.close();
      this.cap = null;
      this.failStart(new LiveCaptureError(`Cannot write the capture spool ${spoolPath}: ${(err as Error).message}`, 'spool'));
      return;
    }
    this.startedAt = wallClock();
    this.state = 'running';
    cap.on('packet', this.onPacket);
    this.samples.push({ t: Date.now(), n: 0 });
    this.timer = setInterval(this.tick, FLUSH_INTERVAL_MS);
    // The poll handle keeps a capturing process alive; the flush timer must not keep a stopped one.
    this.timer.unref();
  }

  /** Stops capturing, writes what is queued and an ISB with the drop counters, closes the spool. Idempotent. */
  stop(): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    if (this.state !== 'running') {
      this.state = 'stopped';
      this.stopping = Promise.resolve();
      return this.stopping;
    }
    this.state = 'stopping';
    this.stopping = this.finish();
    return this.stopping;
  }

  stats(): CaptureStats {
    if (this.state === 'running') this.refreshKernelStats();
    return {
      running: this.state === 'running',
      iface: this.opts.iface,
      received: this.received,
      droppedKernel: this.kernel.dropped,
      droppedInterface: this.kernel.ifdropped,
      droppedApp: this.droppedApp,
      packetsPerSecond: this.state === 'running' ? this.rate() : 0,
      spoolPath: this.spoolCreated ? this.opts.spoolPath : null,
    };
  }

  /** Packets written to the spool so far. */
  get packetsWritten(): number {
    return this.written;
  }

  private readonly onPacket = (copied: number, _truncated: boolean, tsSec: number, tsFrac: number, len: number): void => {
    if (this.limitReached) return;
    this.received++;
    if (this.queue.length - this.queueHead >= QUEUE_MAX_PACKETS || this.queuedBytes + copied > QUEUE_MAX_BYTES) {
      this.droppedApp++;
      return;
    }
    const data = Buffer.allocUnsafe(copied);
    (this.buffer as Buffer).copy(data, 0, 0, copied);
    this.queue.push({ data, tsSec, tsNsec: tsFrac * this.tsToNs, len });
    this.queuedBytes += copied;
    if (this.opts.maxPackets !== undefined && this.received >= this.opts.maxPackets) {
      this.limitReached = true;
      setImmediate(() => this.emit('limit'));
    }
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(this.drainTurn);
    }
  };

  private readonly drainTurn = (): void => {
    this.drainScheduled = false;
    if (this.writer === null) return;
    try {
      this.drain(DRAIN_BATCH);
    } catch (err) {
      this.failRunning(new LiveCaptureError(`Writing the capture spool ${this.opts.spoolPath} failed: ${(err as Error).message}`, 'spool'));
      return;
    }
    if (this.queueHead < this.queue.length && !this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(this.drainTurn);
    }
  };

  private drain(max: number): void {
    const w = this.writer as PcapngWriter;
    const end = Math.min(this.queue.length, this.queueHead + max);
    while (this.queueHead < end) {
      const p = this.queue[this.queueHead];
      w.writePacket(p);
      this.queuedBytes -= p.data.length;
      this.queueHead++;
      this.written++;
    }
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    } else if (this.queueHead > 65536) {
      // Drop the written part so the array does not keep growing behind the head.
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private readonly tick = (): void => {
    if (this.writer === null) return;
    try {
      this.writer.flush();
    } catch (err) {
      this.failRunning(new LiveCaptureError(`Writing the capture spool ${this.opts.spoolPath} failed: ${(err as Error).message}`, 'spool'));
      return;
    }
    const now = Date.now();
    this.samples.push({ t: now, n: this.received });
    while (this.samples.length > 2 && now - this.samples[1].t >= RATE_WINDOW_MS) this.samples.shift();
  };

  private rate(): number {
    const first = this.samples[0];
    if (first === undefined) return 0;
    const dt = Date.now() - first.t;
    return dt <= 0 ? 0 : Math.round(((this.received - first.n) * 1000) / dt);
  }

  private refreshKernelStats(): void {
    if (this.cap === null) return;
    try {
      this.kernel = this.cap.stats();
    } catch {
      /* keep the last values: the counters are informative */
    }
  }

  private async finish(): Promise<void> {
    // Packets the kernel already holds belong to the capture: read them before closing (a partly filled
    // block is handed over only when its timeout expires).
    const startedStop = Date.now();
    let lastSeen = this.received;
    let quietSince = Date.now();
    while (Date.now() - startedStop < FINAL_READ_MAX_MS && Date.now() - quietSince < FINAL_QUIET_MS) {
      await (this.queueHead < this.queue.length ? nextTurn() : sleep(10));
      if (this.received !== lastSeen) {
        lastSeen = this.received;
        quietSince = Date.now();
      }
    }
    this.refreshKernelStats();
    this.closeCap();
    let failure: Error | null = null;
    const w = this.writer;
    if (w !== null && !this.spoolBroken) {
      try {
        this.drain(Infinity);
        const end = wallClock();
        w.writeInterfaceStatistics({
          ifId: 0,
          ...end,
          startTime: this.startedAt ?? end,
          endTime: end,
          received: this.kernel.received,
          droppedByInterface: this.kernel.ifdropped,
          droppedByOs: this.kernel.dropped,
          deliveredToUser: this.written,
          comments: [`wirelens: ${this.received} packets from libpcap, ${this.droppedApp} dropped by the app (spool queue full)`],
        });
        w.sync();
      } catch (err) {
        failure = new LiveCaptureError(`Finishing the capture spool ${this.opts.spoolPath} failed: ${(err as Error).message}`, 'spool');
      }
    }
    if (w !== null) {
      try {
        w.close();
      } catch {
        /* reported above if it matters */
      }
      this.writer = null;
    }
    this.queue = [];
    this.queueHead = 0;
    this.queuedBytes = 0;
    this.state = 'stopped';
    if (failure !== null && this.listenerCount('error') > 0) this.emit('error', failure);
    this.emit('stopped');
  }

  private closeCap(): void {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    const cap = this.cap;
    if (cap === null) return;
    cap.removeListener('packet', this.onPacket);
    try {
      cap.close();
    } catch {
      /* closing twice or a vanished device: nothing left to release */
    }
    this.cap = null;
    this.buffer = null;
  }

  private failStart(err: LiveCaptureError): void {
    this.state = 'stopped';
    this.emit('error', err);
  }

  private failRunning(err: LiveCaptureError): void {
    if (this.state !== 'running') return;
    this.spoolBroken = true;
    // An 'error' without a listener would throw from a timer and end the thread; the 'stopped' still tells.
    if (this.listenerCount('error') > 0) this.emit('error', err);
    void this.stop();
  }
}
