import type { Client } from 'pg';
import { connectObserver, OBSERVER_APP } from './observer.js';

const SAMPLE_EVERY_MS = 50;

/** Client connections to the current database, autovacuum and the benchmark's own left out. */
const COUNT_SQL = `
  SELECT count(*)::int AS n FROM pg_stat_activity
  WHERE datname = current_database() AND backend_type = 'client backend'
    AND application_name <> '${OBSERVER_APP}'`;

/**
 * Samples how many connections are open to a bench database while a measurement runs, keeping the
 * peak: every connection a system opens (pools, LISTEN, claim pools), not the pool size it is given.
 */
export class ConnectionSampler {
  #peak = 0;
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();

  private constructor(private readonly client: Client) {}

  static async start(url: string): Promise<ConnectionSampler> {
    const sampler = new ConnectionSampler(await connectObserver(url));
    sampler.#loop = sampler.#run();
    return sampler;
  }

  /** Stops sampling; returns the peak count. */
  async stop(): Promise<number> {
    this.#stopped = true;
    await this.#loop;
    await this.client.end();
    return this.#peak;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const { rows } = await this.client.query<{ n: number }>(COUNT_SQL);
      this.#peak = Math.max(this.#peak, rows[0].n);
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    }
  }
}
