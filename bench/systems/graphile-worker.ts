import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import {
  Logger,
  makeWorkerUtils,
  run,
  type RunnerOptions,
  type Task,
  type WorkerUtils,
} from 'graphile-worker';
import { runConcurrently, runInBatches } from '../lib/concurrently.js';
import type {
  DrainSettings,
  JobSink,
  PickupProbe,
  QueueSystem,
  SettingName,
} from '../lib/system.js';

const TASK = 'bench';
/** node-postgres's default, which graphile-worker keeps when it makes its own pool. */
const DEFAULT_POOL_SIZE = 10;
/** Lets the runner's LISTEN connection settle before sampling. */
const IDLE_SETTLE_MS = 1_000;
const silentLogger = new Logger(() => () => {});

function presetFor(settings: DrainSettings): GraphileConfig.Preset {
  const worker: GraphileConfig.WorkerOptions = {};
  if (settings.batchSize !== undefined) worker.localQueue = { size: settings.batchSize };
  if (settings.completeBatchDelayMs !== undefined) {
    worker.completeJobBatchDelay = settings.completeBatchDelayMs;
    worker.failJobBatchDelay = settings.completeBatchDelayMs;
  }
  return { worker };
}

export class GraphileWorkerSystem implements QueueSystem {
  readonly name = 'graphile-worker';
  readonly session = 'shared';
  readonly oneByOne = 'addJob(): one add_job() call, one commit per job';
  #pool: Pool | undefined;
  #utils: WorkerUtils | undefined;
  #error: Error | undefined;

  drainSettings(concurrency: number): Record<SettingName, DrainSettings> {
    return {
      default: { concurrency },
      // Tuned on a 20,000-job drain: the local queue alone doubles throughput, batched completions
      // on top multiply it again; a delay of 0 beat 1, 5 and 20 ms, and gains past a queue of
      // 1,000 come only from claiming the backlog in a few round trips, so it is capped there as
      // for pg-boss. The pool size is graphile-worker's advice, concurrency + 2.
      best: {
        concurrency,
        batchSize: 1_000,
        completeBatchDelayMs: 0,
        poolSize: concurrency + 2,
      },
    };
  }

  doneJobsSql(enqueued: number): string {
    // A job done is a job deleted.
    return `SELECT ${enqueued} - count(*) AS done FROM graphile_worker._private_jobs`;
  }

  async setup(url: string, settings: DrainSettings): Promise<void> {
    const pool = new Pool({ connectionString: url, max: settings.poolSize ?? DEFAULT_POOL_SIZE });
    const recordError = (error: Error): void => {
      this.#error ??= error;
    };
    pool.on('error', recordError);
    pool.on('connect', (client) => client.on('error', recordError));
    this.#pool = pool;
    this.#utils = await makeWorkerUtils({ pgPool: pool, logger: silentLogger });
    await this.#utils.migrate();
  }

  async enqueueOneByOne(n: number, inFlight: number): Promise<void> {
    const utils = this.#ready();
    await runConcurrently(n, inFlight, () => utils.addJob(TASK, {}));
  }

  async enqueueBulk(n: number, batch: number): Promise<void> {
    const utils = this.#ready();
    await runInBatches(n, batch, (count) =>
      utils.addJobs(Array.from({ length: count }, () => ({ identifier: TASK, payload: {} }))),
    );
  }

  async drain(settings: DrainSettings, sink: JobSink): Promise<void> {
    const runner = await run(
      this.#runnerOptions(settings, async () => {
        sink.handled();
      }),
    );
    await sink.finished;
    await runner.stop();
    this.#throwIfFailed();
  }

  async pickupLatency(
    settings: DrainSettings,
    samples: number,
    probe: PickupProbe,
  ): Promise<number[]> {
    const utils = this.#ready();
    const runner = await run(
      this.#runnerOptions(settings, async () => {
        probe.jobStarted();
      }),
    );
    await sleep(IDLE_SETTLE_MS);
    const latencies = await probe.measure(samples, () => utils.addJob(TASK, {}));
    await runner.stop();
    this.#throwIfFailed();
    return latencies;
  }

  async teardown(): Promise<void> {
    await this.#utils?.release();
    await this.#pool?.end();
    this.#utils = undefined;
    this.#pool = undefined;
  }

  #runnerOptions(settings: DrainSettings, handler: Task): RunnerOptions {
    const options: RunnerOptions = {
      pgPool: this.#pool,
      logger: silentLogger,
      concurrency: settings.concurrency,
      noHandleSignals: true,
      taskList: { [TASK]: handler },
      preset: presetFor(settings),
    };
    if (settings.pollIntervalMs !== undefined) options.pollInterval = settings.pollIntervalMs;
    return options;
  }

  #ready(): WorkerUtils {
    if (!this.#utils) throw new Error('graphile-worker: setup() has not run');
    return this.#utils;
  }

  #throwIfFailed(): void {
    if (this.#error) throw this.#error;
  }
}
