import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Database } from '../database/database.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { AppConfig } from '../config/app-config.js';
import { type Db } from '../jobs/db.js';
import { reapExpired } from '../jobs/sql/reap.sql.js';

/**
 * Every worker process runs the reaper on a timer; an advisory lock inside the statement lets only
 * one of them work at a time. Jobs whose lease expired go back to the queue (or fail, or end
 * cancelled): a worker killed mid-job loses nothing.
 */
@Injectable()
export class ReaperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly db: Db;
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    database: Database,
    private readonly config: AppConfig,
    @InjectLogger('Reaper') private readonly logger: ContextLogger,
  ) {
    this.db = database.pool;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.reap(), this.config.jobs.reaperIntervalMs);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async reap(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const reaped = await reapExpired(this.db);
      if (reaped.length > 0) {
        this.logger.warn(
          { jobs: reaped },
          `${reaped.length} job(s) had an expired lease and were taken back`,
        );
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'reaping expired leases failed');
    } finally {
      this.running = false;
    }
  }
}
