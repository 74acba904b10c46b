/**
 * Cooperative slicing for long engine jobs that run on the worker's event loop (a split writes hundreds of
 * thousands of files): `tick()` is cheap and only every SLICE_MS yields to pending requests and checks the
 * abort signal.
 */
const SLICE_MS = 25;

export class JobCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export class Pacer {
  private next = performance.now() + SLICE_MS;

  constructor(private readonly signal?: AbortSignal) {}

  /** Resolves at once inside a slice; at its end, after the event loop ran. Throws JobCancelled when aborted. */
  async tick(): Promise<void> {
    if (this.signal?.aborted) throw new JobCancelled();
    if (performance.now() < this.next) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.signal?.aborted) throw new JobCancelled();
    this.next = performance.now() + SLICE_MS;
  }
}
