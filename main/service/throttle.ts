/**
 * Rate limit for pushed events: the contract promises at most one per EVENT_INTERVAL_MS per event kind.
 * Leading edge emits at once; calls inside the interval are folded into one trailing emit that reads the
 * latest state, so the last state (e.g. "indexing done") is always delivered.
 */
export class Throttle {
  private last = -Infinity;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly fire: () => void,
  ) {}

  request(): void {
    if (this.timer !== null) return;
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) {
      this.last = Date.now();
      this.fire();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.last = Date.now();
      this.fire();
    }, wait);
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
