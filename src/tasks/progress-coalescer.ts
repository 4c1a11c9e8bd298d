/**
 * Keeps the latest value and writes it at most once per interval: a processor may report progress
 * on every row, and the database sees a few writes per second. A write never overlaps the next.
 */
export class ProgressCoalescer<T> {
  private latest: T | undefined;
  private pending = false;
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
    if (this.timer) return;
    const wait = Math.max(0, this.lastWriteAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flushNow(), wait);
  }

  /** Stops writing; what was not written yet is dropped. Resolves when the last write is done. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.writing;
  }

  private flushNow(): void {
    this.timer = undefined;
    if (!this.pending || this.closed) return;
    const value = this.latest as T;
    this.pending = false;
    this.lastWriteAt = Date.now();
    this.writing = this.writing.then(() => this.write(value)).catch(() => undefined);
  }
}
