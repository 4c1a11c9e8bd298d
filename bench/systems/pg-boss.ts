import { setTimeout as sleep } from 'node:timers/promises';
import { PgBoss, type ConstructorOptions, type WorkOptions } from 'pg-boss';
import { runConcurrently, runInBatches } from '../lib/concurrently.js';
import type {
  DrainSettings,
  JobSink,
  PickupProbe,
  QueueSystem,
  SettingName,
} from '../lib/system.js';

const QUEUE = 'bench';
/** Lets the workers' first (empty) fetch and the LISTEN connection settle before sampling. */
const IDLE_SETTLE_MS = 1_000;

function constructorOptions(url: string, settings: DrainSettings): ConstructorOptions {
  const options: ConstructorOptions = { connectionString: url };
  if (settings.poolSize !== undefined) options.max = settings.poolSize;
  if (settings.listenNotify) options.useListenNotify = true;
  return options;
}

function workOptions(settings: DrainSettings): WorkOptions {
  const options: WorkOptions = { localConcurrency: settings.concurrency };
  if (settings.batchSize !== undefined) options.batchSize = settings.batchSize;
  if (settings.pollIntervalMs !== undefined) {
    options.pollingIntervalSeconds = settings.pollIntervalMs / 1000;
  }
  if (settings.fetchWhileFull) options.burstWhenBatchFull = true;
  return options;
}

export class PgBossSystem implements QueueSystem {
  readonly name = 'pg-boss';
  readonly session = 'shared';
  readonly oneByOne = 'send(): one INSERT, one commit per job';
  #boss: PgBoss | undefined;
  #error: Error | undefined;

  drainSettings(concurrency: number): Record<SettingName, DrainSettings> {
    return {
      default: { concurrency },
      // Tuned on a 20,000-job drain: throughput rises with batchSize up to 1,000 (+40% over 100)
      // and a little past it only by claiming the whole backlog in one or two round trips, so the
      // batch is capped at 1,000 as for graphile-worker. LISTEN/NOTIFY is what makes pickup fast;
      // 0.5 s is the shortest poll pg-boss allows, used should the listener drop.
      best: {
        concurrency,
        batchSize: 1_000,
        fetchWhileFull: true,
        pollIntervalMs: 500,
        listenNotify: true,
        poolSize: concurrency + 2,
      },
    };
  }

  doneJobsSql(): string {
    return `SELECT count(*) AS done FROM pgboss.job WHERE name = '${QUEUE}' AND state = 'completed'`;
  }

  async setup(url: string, settings: DrainSettings): Promise<void> {
    const boss = new PgBoss(constructorOptions(url, settings));
    boss.on('error', (error) => {
      this.#error ??= error;
    });
    this.#boss = boss;
    await boss.start();
    if (!(await boss.getQueue(QUEUE))) await boss.createQueue(QUEUE);
    await boss.updateQueue(QUEUE, { notify: settings.listenNotify === true });
  }

  async enqueueOneByOne(n: number, inFlight: number): Promise<void> {
    const boss = this.#started();
    await runConcurrently(n, inFlight, () => boss.send(QUEUE, {}));
  }

  async enqueueBulk(n: number, batch: number): Promise<void> {
    const boss = this.#started();
    await runInBatches(n, batch, (count) =>
      boss.insert(
        QUEUE,
        Array.from({ length: count }, () => ({ data: {} })),
      ),
    );
  }

  async drain(settings: DrainSettings, sink: JobSink): Promise<void> {
    const boss = this.#started();
    await boss.work(QUEUE, workOptions(settings), async (jobs) => {
      sink.handled(jobs.length);
    });
    await sink.finished;
    await boss.offWork(QUEUE);
    this.#throwIfFailed();
  }

  async pickupLatency(
    settings: DrainSettings,
    samples: number,
    probe: PickupProbe,
  ): Promise<number[]> {
    const boss = this.#started();
    await boss.work(QUEUE, workOptions(settings), async () => {
      probe.jobStarted();
    });
    await sleep(IDLE_SETTLE_MS);
    const latencies = await probe.measure(samples, () => boss.send(QUEUE, {}));
    await boss.offWork(QUEUE);
    this.#throwIfFailed();
    return latencies;
  }

  async teardown(): Promise<void> {
    await this.#boss?.stop();
    this.#boss = undefined;
  }

  #started(): PgBoss {
    if (!this.#boss) throw new Error('pg-boss: setup() has not run');
    return this.#boss;
  }

  #throwIfFailed(): void {
    if (this.#error) throw this.#error;
  }
}
