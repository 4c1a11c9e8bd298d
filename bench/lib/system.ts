/** Knobs for a drain; a system ignores those it has no equivalent for. */
export interface DrainSettings {
  /** Handlers running at once (pg-boss: `localConcurrency`). */
  concurrency: number;
  /** Jobs claimed per database round trip (pg-boss: `batchSize`; graphile-worker: `localQueue.size`). */
  batchSize?: number;
  /** Idle poll interval. */
  pollIntervalMs?: number;
  /** Connection pool size of the worker process. */
  poolSize?: number;
  /** Wait this long to complete jobs in one statement (graphile-worker: `completeJobBatchDelay`). */
  completeBatchDelayMs?: number;
  /** Fetch again at once while fetches come back full (pg-boss: `burstWhenBatchFull`). */
  fetchWhileFull?: boolean;
  /** Wake idle workers with LISTEN/NOTIFY rather than waiting out the poll (pg-boss: `notify`). */
  listenNotify?: boolean;
}

/** How a system's connections are configured for the run. */
export type SessionSettings =
  /** The same start-up settings as every other system (see session.ts). */
  | 'shared'
  /** The system's own production settings, which may differ from the shared ones. */
  | 'own';

export type SettingName = 'default' | 'best';

/** Where the no-op handler reports what it handled; drives when a drain is over. */
export interface JobSink {
  /** Call from the handler for every job (or batch of `count` jobs) it has handled. */
  handled(count?: number): void;
  /**
   * Resolves once the database shows every job done (checked once the handler has seen them all),
   * or the time limit has passed.
   */
  readonly finished: Promise<void>;
}

/** Where the no-op handler reports that a job has started, for pickup latency. */
export interface PickupProbe {
  /** Call first thing in the handler. */
  jobStarted(): void;
  /** Enqueues one job at a time through `enqueueOne`, returning ms from enqueue to handler start. */
  measure(samples: number, enqueueOne: () => Promise<unknown>): Promise<number[]>;
}

/**
 * One queue system under test. Each method runs in a fresh process against a fresh database, after
 * `setup`, and `teardown` follows it.
 */
export interface QueueSystem {
  readonly name: string;
  readonly session: SessionSettings;
  /** What one call of `enqueueOneByOne` does in the database, for the report. */
  readonly oneByOne: string;
  /** SQL answering `done`: how many of the `enqueued` jobs the database holds as done. */
  doneJobsSql(enqueued: number): string;
  /** The settings a drain or pickup runs with, by name, for `concurrency` handlers. */
  drainSettings(concurrency: number): Record<SettingName, DrainSettings>;
  /**
   * Connects to `url` as `settings` asks (pool size, LISTEN/NOTIFY) and installs the system's
   * schema unless it is already there.
   */
  setup(url: string, settings: DrainSettings): Promise<void>;
  /** Enqueues n jobs, one per call, `inFlight` calls outstanding; each resolves once committed. */
  enqueueOneByOne(n: number, inFlight: number): Promise<void>;
  /** Enqueues n jobs in bulk calls of `batch` jobs. */
  enqueueBulk(n: number, batch: number): Promise<void>;
  /** Starts workers running the no-op handler, waits for `sink.finished`, stops the workers. */
  drain(settings: DrainSettings, sink: JobSink): Promise<void>;
  /** Starts an idle worker, then measures `samples` pickups with `probe`; stops the worker. */
  pickupLatency(settings: DrainSettings, samples: number, probe: PickupProbe): Promise<number[]>;
  teardown(): Promise<void>;
}
