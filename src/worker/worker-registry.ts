import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Db } from '../database/db.js';
import { PACKAGE_VERSION } from './package-version.js';
import type { WorkerRole } from './worker-process.js';
import {
  heartbeatWorker,
  markWorkerGone,
  registerWorker,
  type WorkerRegistration,
} from './worker-processes.sql.js';

export interface WorkerRegistryOptions {
  /** The main pool: the registry opens no connection of its own. */
  db: Db;
  id: string;
  role: WorkerRole;
  concurrency: number;
  queues: string[];
  heartbeatMs: number;
  logger: Logger;
  /** The job types this process has handlers for (known once the application has started). */
  types: () => string[];
  /** Jobs running now. */
  inFlight: () => number;
}

/**
 * This process's row in the registry of worker processes (worker_processes): registered at
 * start, one small UPDATE per heartbeat, marked gone on a clean stop. A failed write is logged
 * and tried again at the next beat; it never touches the claim loop.
 */
export class WorkerRegistry {
  private registration?: WorkerRegistration;
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;

  constructor(private readonly options: WorkerRegistryOptions) {}

  async start(): Promise<void> {
    const { id, role, concurrency, queues } = this.options;
    this.registration = {
      id,
      role,
      host: hostname(),
      pid: process.pid,
      version: PACKAGE_VERSION,
      startedAt: new Date(),
      concurrency,
      types: this.options.types(),
      queues,
    };
    await this.write(() => this.register(), 'registering the worker process failed');
    this.timer = setInterval(() => this.beat(), this.options.heartbeatMs);
  }

  /** After the worker has drained: nothing runs here any more. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    await this.write(
      () => markWorkerGone(this.options.db, this.options.id),
      'marking the worker process gone failed',
    );
  }

  private beat(): void {
    if (this.beating) return;
    this.beating = this.write(() => this.heartbeat(), 'worker heartbeat failed').finally(() => {
      this.beating = undefined;
    });
  }

  /** A row gone missing (pruned while this process was stalled for days) is written again. */
  private async heartbeat(): Promise<void> {
    const { db, id, inFlight } = this.options;
    if (!(await heartbeatWorker(db, id, inFlight()))) await this.register();
  }

  private async register(): Promise<void> {
    if (this.registration) {
      await registerWorker(this.options.db, this.registration, this.options.inFlight());
    }
  }

  private async write(statement: () => Promise<void>, failure: string): Promise<void> {
    try {
      await statement();
    } catch (error) {
      this.options.logger.warn({ err: error, workerId: this.options.id }, failure);
    }
  }
}
