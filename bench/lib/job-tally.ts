import type { JobSink } from './system.js';

/** Counts handled jobs and settles when `target` is reached or `timeLimitMs` has passed. */
export class JobTally implements JobSink {
  readonly finished: Promise<void>;
  count = 0;
  timedOut = false;
  /** `performance.now()` when the tally settled. */
  settledAt: number | undefined;
  readonly #target: number;
  readonly #timer: NodeJS.Timeout;
  #settle: () => void = () => {};

  constructor(target: number, timeLimitMs: number) {
    this.#target = target;
    this.finished = new Promise<void>((resolve) => {
      this.#settle = resolve;
    });
    this.#timer = setTimeout(() => {
      this.timedOut = true;
      this.#finish();
    }, timeLimitMs);
  }

  handled(count = 1): void {
    this.count += count;
    if (this.count >= this.#target) this.#finish();
  }

  #finish(): void {
    if (this.settledAt !== undefined) return;
    this.settledAt = performance.now();
    clearTimeout(this.#timer);
    this.#settle();
  }
}
