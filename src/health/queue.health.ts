import { Injectable } from '@nestjs/common';
import { type HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config.js';
import { type QueueFigures, QueueFiguresReader } from './queue-figures.js';

/** An indicator's figures, and why it is down (undefined: up). */
type Verdict = { data: Record<string, number>; problem?: string };

/**
 * The queue as ops teams watch it (GET /health/queue): the backlog's age, stuck running jobs, and
 * the workers. Kept out of readiness: a backlog says nothing about whether this process can serve.
 */
@Injectable()
export class QueueHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly config: AppConfig,
    private readonly reader: QueueFiguresReader,
  ) {}

  /** The three checks, judged on one read of the queue. */
  checks(): HealthIndicatorFunction[] {
    const figures = withTimeout(this.reader.read(), this.config.health.checkTimeoutMs);
    // Each check awaits it; this keeps a failed read from counting as unhandled meanwhile.
    figures.catch(() => undefined);
    const { maxWaitMs, maxStuck, minWorkers, maxStaleWorkers } = this.config.health.queue;
    return [
      () =>
        this.judge('backlog', figures, ({ oldestWaitMs }) => ({
          data: { oldestWaitMs, maxWaitMs },
          problem:
            oldestWaitMs > maxWaitMs
              ? `the oldest runnable job has waited ${oldestWaitMs} ms, over ${maxWaitMs}`
              : undefined,
        })),
      () =>
        this.judge('stuck', figures, ({ stuck }) => ({
          data: { stuck, maxStuck },
          problem:
            stuck > maxStuck ? `${stuck} running jobs are stuck, over ${maxStuck}` : undefined,
        })),
      () =>
        this.judge('workers', figures, ({ alive, stale, oldestWaitMs }) => ({
          data: { alive, minWorkers, stale, maxStaleWorkers },
          problem:
            alive < minWorkers && oldestWaitMs > 0
              ? `${alive} workers alive while jobs are runnable, under ${minWorkers}`
              : stale > maxStaleWorkers
                ? `${stale} worker processes went silent without stopping, over ${maxStaleWorkers}`
                : undefined,
        })),
    ];
  }

  private async judge<const Key extends string>(
    key: Key,
    figures: Promise<QueueFigures>,
    verdict: (figures: QueueFigures) => Verdict,
  ) {
    const session = this.indicators.check(key);
    try {
      const { data, problem } = verdict(await figures);
      return problem ? session.down({ ...data, message: problem }) : session.up(data);
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the queue did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
