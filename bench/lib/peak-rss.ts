import { readFileSync } from 'node:fs';

const SAMPLE_EVERY_MS = 20;

/** The resident set size of process `pid` in bytes (Linux: /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** Samples the resident set size of this process, or of process `pid`, until stopped. */
export class PeakRssSampler {
  readonly #read: () => number;
  #peak: number;
  readonly #timer = setInterval(() => this.#sample(), SAMPLE_EVERY_MS).unref();

  constructor(pid?: number) {
    this.#read = pid === undefined ? () => process.memoryUsage.rss() : () => rssOf(pid);
    this.#peak = this.#read();
  }

  /** Stops sampling; returns the peak in bytes. */
  stop(): number {
    clearInterval(this.#timer);
    this.#sample();
    return this.#peak;
  }

  #sample(): void {
    this.#peak = Math.max(this.#peak, this.#read());
  }
}
