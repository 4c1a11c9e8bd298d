/**
 * Keeps the latest value and writes it at most once per interval: a processor may report progress
 * on every row, and the database sees a few writes per second. One write at a time: what arrives
 * while a write is in flight is merged into the next one, so slow writes never queue up.
 */
export class ProgressCoalescer<T> {
  private latest: T | undefined;
  private pending = false;
  private inFlight = false;
  private lastWriteAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly write: (value: T) => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  update(value: T): void {
    if (this.closed) return;
    this.latest = value;
    this.pending = true;
    if (!this.inFlight) this.schedule();
  }

  /** Stops writing; what was not written yet is dropped. Resolves when the last write is done. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.writing;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastWriteAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flushNow(), wait);
  }

  private flushNow(): void {
    this.timer = undefined;
    if (!this.pending || this.closed || this.inFlight) return;
    const value = this.latest as T;
    this.pending = false;
    this.inFlight = true;
    this.lastWriteAt = Date.now();
    this.writing = this.write(value)
      .catch(() => undefined)
      .then(() => {
        this.inFlight = false;
        if (this.pending && !this.closed) this.schedule();
      });
  }
}
