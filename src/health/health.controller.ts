import { Public } from '../auth/auth.decorators.js';
import {
  Controller,
  Get,
  Header,
  Optional,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  HealthCheckService,
  MemoryHealthIndicator,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { CachedOkResponse } from '../http/openapi.js';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { WorkerHealthIndicator } from '../worker/worker.health.js';
import { LivenessDto, QueueHealthDto, ReadinessDto } from './health.dto.js';
import { QueueHealthIndicator } from './queue.health.js';
import { StorageHealthIndicator } from './storage.health.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly storage: StorageHealthIndicator,
    private readonly queueChecks: QueueHealthIndicator,
    private readonly memory: MemoryHealthIndicator,
    private readonly config: AppConfig,
    private readonly db: Database,
    /** Present in worker processes (ROLE worker or all). */
    @Optional() private readonly worker?: WorkerHealthIndicator,
  ) {}

  /** The process is up and its event loop turns; touches nothing else. */
  @Get('live')
  @ApiOperation({ operationId: 'getLiveness', summary: 'The process is up' })
  @CachedOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  /**
   * Ready for traffic: database answers, DATA_DIR is writable with space left, heap under its
   * ceiling. (Terminus's @HealthCheck() is not used: it documents a generic schema.)
   */
  @Get('ready')
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  @ApiOperation({ operationId: 'getReadiness', summary: 'Ready for traffic: every check is up' })
  @CachedOkResponse({ type: ReadinessDto, description: 'Every check is up.' })
  @ApiServiceUnavailableResponse({
    type: ReadinessDto,
    description: 'A check is down (listed in `error`), or the process is shutting down.',
  })
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessDto> {
    const { health } = this.config;
    const worker = this.worker;
    return this.report(response, [
      () =>
        this.database.pingCheck('database', {
          connection: this.db.manager.dataSource,
          timeout: health.checkTimeoutMs,
        }),
      () => this.storage.check('storage'),
      () => this.memory.checkHeap('heap', health.maxHeapBytes),
      ...(worker ? [() => worker.check('worker')] : []),
    ]);
  }

  /**
   * The queue for ops teams and their monitoring, never for a load balancer: a backlog or a dead
   * worker elsewhere is no reason to take this process out of rotation. The same shape as
   * readiness, each check with its figure and its threshold.
   */
  @Get('queue')
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  @ApiOperation({
    operationId: 'getQueueHealth',
    summary: 'The queue: backlog age, stuck jobs, workers, each within its threshold',
    description:
      'For monitoring, not for a load balancer (use /health/ready there). Thresholds: ' +
      'HEALTH_QUEUE_MAX_WAIT_MS, HEALTH_QUEUE_MAX_STUCK, HEALTH_QUEUE_MIN_WORKERS, ' +
      'HEALTH_QUEUE_MAX_STALE_WORKERS.',
  })
  @CachedOkResponse({ type: QueueHealthDto, description: 'Every check is within its threshold.' })
  @ApiServiceUnavailableResponse({
    type: QueueHealthDto,
    description:
      'A check is past its threshold (listed in `error`), or the process is shutting down.',
  })
  queue(@Res({ passthrough: true }) response: Response): Promise<QueueHealthDto> {
    return this.report(response, this.queueChecks.checks());
  }

  /** Runs the checks; a 503 sends the same report as a 200 (not a problem). */
  private async report(
    response: Response,
    checks: HealthIndicatorFunction[],
  ): Promise<HealthReport> {
    try {
      return toReport(await this.health.check(checks));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return toReport(error.getResponse() as HealthCheckResult);
    }
  }
}

type HealthReport = ReturnType<typeof toReport>;

function toReport(result: HealthCheckResult) {
  return {
    status: result.status === 'degraded' ? 'ok' : result.status,
    info: result.info ?? {},
    error: result.error ?? {},
    details: result.details,
  };
}
