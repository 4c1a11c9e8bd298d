import { Public } from '../auth/auth.decorators.js';
import { Controller, Get, Optional, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  MemoryHealthIndicator,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config.js';
import { ProblemException } from '../http/problem.js';
import { WorkerHealthIndicator } from '../worker/worker.health.js';
import { StorageHealthIndicator } from './storage.health.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly storage: StorageHealthIndicator,
    private readonly memory: MemoryHealthIndicator,
    private readonly config: AppConfig,
    /** Present in worker processes (ROLE worker or all). */
    @Optional() private readonly worker?: WorkerHealthIndicator,
  ) {}

  /** The process is up and its event loop turns; touches nothing else. */
  @Get('live')
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  /** Ready for traffic: database answers, DATA_DIR is writable with space left, heap under its ceiling. */
  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult> {
    const { health } = this.config;
    const worker = this.worker;
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: health.checkTimeoutMs }),
        () => this.storage.check('storage'),
        () => this.memory.checkHeap('heap', health.maxHeapBytes),
        ...(worker ? [() => worker.check('worker')] : []),
      ]);
    } catch (error) {
      throw error instanceof ServiceUnavailableException ? notReady(error) : error;
    }
  }
}

function notReady(error: ServiceUnavailableException): ProblemException {
  const result = error.getResponse() as HealthCheckResult;
  const failing = Object.keys(result.error ?? {});
  return new ProblemException({
    status: 503,
    slug: 'not-ready',
    title: 'Not ready',
    detail:
      result.status === 'shutting_down'
        ? 'The process is shutting down'
        : `Failing checks: ${failing.join(', ')}`,
    extensions: { checks: result.details },
  });
}
