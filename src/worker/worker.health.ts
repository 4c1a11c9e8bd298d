import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config.js';
import { WorkerService } from './worker.service.js';

/**
 * Ready as a worker: the NOTIFY listener is connected (unless poll-only) and the claim loop turned
 * recently.
 */
@Injectable()
export class WorkerHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly worker: WorkerService,
    private readonly config: AppConfig,
  ) {}

  check<const Key extends string>(key: Key) {
    const session = this.indicators.check(key);
    const sinceLoopMs = Date.now() - this.worker.lastLoopAt;
    const limitMs = 3 * this.config.jobs.pollIntervalMs + 5000;
    const data = { listener: this.worker.listenerConnected, claimLoopAgoMs: sinceLoopMs };
    // Poll-only (DATABASE_LISTEN_URL=none): there is no listener to be down.
    if (!this.worker.listenerConnected && !this.worker.pollOnly)
      return session.down({ ...data, message: 'NOTIFY listener disconnected' });
    if (sinceLoopMs > limitMs)
      return session.down({ ...data, message: `claim loop idle for over ${limitMs} ms` });
    return session.up(data);
  }
}
