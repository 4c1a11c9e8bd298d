import { setTimeout as sleep } from 'node:timers/promises';
import type { PickupProbe } from './system.js';

const MAX_GAP_MS = 100;

/** Measures enqueue-to-handler-start latency one job at a time. */
export class LatencyProbe implements PickupProbe {
  readonly #timeoutMs: number;
  #onStart: ((at: number) => void) | undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  jobStarted(): void {
    const at = performance.now();
    const onStart = this.#onStart;
    this.#onStart = undefined;
    onStart?.(at);
  }

  async measure(samples: number, enqueueOne: () => Promise<unknown>): Promise<number[]> {
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      // A random pause keeps the samples out of step with any worker's poll timer.
      await sleep(Math.random() * MAX_GAP_MS);
      const started = this.#nextStart();
      const before = performance.now();
      await enqueueOne();
      latencies.push((await started) - before);
    }
    return latencies;
  }

  #nextStart(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#onStart = undefined;
        reject(new Error(`no job started within ${this.#timeoutMs} ms of its enqueue`));
      }, this.#timeoutMs);
      this.#onStart = (at) => {
        clearTimeout(timer);
        resolve(at);
      };
    });
  }
}
