import type { JobSink } from './system.js';

/** Between two looks at the database once the handler has seen every job. */
const CONFIRM_EVERY_MS = 5;

/**
 * Ends a drain when the database holds `target` jobs as done, or when `timeLimitMs` has passed.
 * Handler calls only say when to start looking: a job counts once its completion is committed.
 */
export class DrainWatch implements JobSink {
  readonly finished: Promise<void>;
  handledCount = 0;
  /** Jobs the database held as done when the watch settled. */
  done = 0;
  timedOut = false;
  /** `performance.now()` when the watch settled. */
  settledAt: number | undefined;
  readonly #target: number;
  readonly #countDone: () => Promise<number>;
  readonly #timer: NodeJS.Timeout;
  #confirming = false;
  #settle: (error?: unknown) => void = () => {};

  constructor(target: number, timeLimitMs: number, countDone: () => Promise<number>) {
    this.#target = target;
    this.#countDone = countDone;
    this.finished = new Promise<void>((resolve, reject) => {
      this.#settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    this.#timer = setTimeout(() => {
      this.timedOut = true;
      this.settledAt = performance.now();
      void this.#count().then(() => this.#finish(), this.#settle);
    }, timeLimitMs);
  }

  handled(count = 1): void {
    this.handledCount += count;
    if (this.handledCount >= this.#target && !this.#confirming) {
      this.#confirming = true;
      void this.#confirm().catch(this.#settle);
    }
  }

  async #confirm(): Promise<void> {
    while (this.settledAt === undefined) {
      await this.#count();
      if (this.settledAt !== undefined) return;
      if (this.done >= this.#target) {
        this.settledAt = performance.now();
        this.#finish();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, CONFIRM_EVERY_MS));
    }
  }

  async #count(): Promise<void> {
    this.done = await this.#countDone();
  }

  #finish(): void {
    clearTimeout(this.#timer);
    this.#settle();
  }
}
