import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.js';
import type { Role } from '../../src/config/environment.js';
import { loadConfig } from '../../src/config/load-config.js';
import { JobHandler } from '../../src/jobs/job-handler.decorator.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { createRootLogger } from '../../src/logging/root-logger.js';
import { runConcurrently, runInBatches } from '../lib/concurrently.js';
import type {
  DrainSettings,
  JobSink,
  PickupProbe,
  QueueSystem,
  SessionSettings,
  SettingName,
} from '../lib/system.js';

const JOB_TYPE = 'bench.noop';
/** Lets the worker's LISTEN connection settle before sampling, as for the peers. */
const IDLE_SETTLE_MS = 1_000;

/** What the no-op handler reports to; set before a worker starts. */
let onJobStarted: () => void = () => undefined;

/** Async like the peers' handlers: a handler that returns no promise takes a faster path. */
@Injectable()
class NoopHandler {
  @JobHandler(JOB_TYPE)
  async handle(): Promise<void> {
    onJobStarted();
  }
}

@Module({ providers: [NoopHandler] })
class NoopHandlerModule {}

/**
 * Taskyard through its real application: JobsService to enqueue, the worker module to drain. With
 * the shared session settings its claims wait for the WAL flush like every other commit; with its
 * own production settings they do not (WORKER_CLAIMS_SYNCHRONOUS_COMMIT=off).
 */
export class TaskyardSystem implements QueueSystem {
  readonly name: string;
  readonly oneByOne =
    'JobsService.enqueue(): calls made together share one INSERT and one commit (group commit, ' +
    'up to 1,000 jobs); each call resolves after its own job is committed';
  #url = '';

  constructor(readonly session: SessionSettings) {
    this.name = session === 'shared' ? 'taskyard' : 'taskyard-production';
  }

  doneJobsSql(): string {
    return `SELECT count(*) AS done FROM taskyard.jobs WHERE type = '${JOB_TYPE}' AND status = 'succeeded'`;
  }
  #app: NestExpressApplication | undefined;

  drainSettings(concurrency: number): Record<SettingName, DrainSettings> {
    return {
      default: { concurrency },
      // The same batch cap as the peers' best settings.
      best: { concurrency, batchSize: 1_000, poolSize: 4 },
    };
  }

  async setup(url: string, settings: DrainSettings): Promise<void> {
    this.#url = url;
    await this.#start('api', settings);
  }

  async enqueueOneByOne(n: number, inFlight: number): Promise<void> {
    const jobs = this.#jobs();
    await runConcurrently(n, inFlight, () => jobs.enqueue({ type: JOB_TYPE }));
  }

  async enqueueBulk(n: number, batch: number): Promise<void> {
    const jobs = this.#jobs();
    await runInBatches(n, batch, (count) =>
      jobs.enqueueMany(Array.from({ length: count }, () => ({ type: JOB_TYPE }))),
    );
  }

  async drain(settings: DrainSettings, sink: JobSink): Promise<void> {
    onJobStarted = () => sink.handled();
    await this.#start('worker', settings);
    await sink.finished;
    await this.#stop();
  }

  async pickupLatency(
    settings: DrainSettings,
    samples: number,
    probe: PickupProbe,
  ): Promise<number[]> {
    onJobStarted = () => probe.jobStarted();
    await this.#start('all', settings);
    await sleep(IDLE_SETTLE_MS);
    const jobs = this.#jobs();
    const latencies = await probe.measure(samples, () => jobs.enqueue({ type: JOB_TYPE }));
    await this.#stop();
    return latencies;
  }

  async teardown(): Promise<void> {
    await this.#stop();
  }

  async #start(role: Role, settings: DrainSettings): Promise<void> {
    await this.#stop();
    const config = loadConfig(
      {
        DATABASE_URL: this.#url,
        ROLE: role,
        LOG_LEVEL: 'error',
        DOCS_ENABLED: 'false',
        DATA_DIR: await mkdtemp(path.join(tmpdir(), 'taskyard-bench-')),
        WORKER_CONCURRENCY: String(settings.concurrency),
        WORKER_CLAIMS_SYNCHRONOUS_COMMIT: this.session === 'shared' ? 'on' : 'off',
        ...(settings.batchSize === undefined
          ? {}
          : { WORKER_PREFETCH: String(settings.batchSize) }),
        ...(settings.poolSize === undefined
          ? {}
          : { DATABASE_POOL_SIZE: String(settings.poolSize) }),
        ...(settings.pollIntervalMs === undefined
          ? {}
          : { JOBS_POLL_INTERVAL_MS: String(settings.pollIntervalMs) }),
      },
      null,
    );
    const app = await createApp(config, createRootLogger(config.logLevel, false), {
      providers: [NoopHandlerModule],
    });
    await app.init();
    this.#app = app;
  }

  async #stop(): Promise<void> {
    const app = this.#app;
    this.#app = undefined;
    await app?.close();
  }

  #jobs(): JobsService {
    if (!this.#app) throw new Error('taskyard: setup() has not run');
    return this.#app.get(JobsService);
  }
}
