const SAMPLE_EVERY_MS = 20;

/** Samples this process's resident set size until stopped, keeping the peak. */
export class PeakRssSampler {
  #peak = process.memoryUsage.rss();
  readonly #timer = setInterval(() => this.#sample(), SAMPLE_EVERY_MS).unref();

  /** Stops sampling; returns the peak in bytes. */
  stop(): number {
    clearInterval(this.#timer);
    this.#sample();
    return this.#peak;
  }

  #sample(): void {
    this.#peak = Math.max(this.#peak, process.memoryUsage.rss());
  }
}
