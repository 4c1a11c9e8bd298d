import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Client } from 'pg';
import { percentile } from './stats.js';
import { parseTask, waitForSuccess } from './tasks-api.js';
import type { HttpClient } from './tasks-http.js';

/** Compiled worker child: dist-bench/bench/lib/remote-worker-child.js. */
const WORKER_ENTRY = fileURLToPath(new URL('./remote-worker-child.js', import.meta.url));
const QUEUE = 'tasks';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface ThroughputResult {
  tasks: number;
  seconds: number;
  tasksPerSecond: number;
}

export interface LatencyResult {
  samples: number;
  /** POST /tasks sent → handler started. */
  createdToStartMs: Percentiles;
  /** The task's startedAt (set by the service when it is claimed) → handler started. */
  claimToStartMs?: Percentiles;
}

export const percentiles = (values: number[]): Percentiles => ({
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
});

const epochNow = (): number => performance.timeOrigin + performance.now();

/** Remote worker processes running the SDK with a no-op handler; `starts` maps task → start time. */
export class WorkerPool {
  readonly starts = new Map<string, number>();
  private readonly children: ChildProcess[] = [];
  private readonly waiters = new Map<string, (at: number) => void>();
  readonly lines: string[] = [];

  static async start(
    count: number,
    target: { baseUrl: string; key: string; type: string; concurrency: number; waitS: number },
  ): Promise<WorkerPool> {
    const pool = new WorkerPool();
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        pool.spawn([
          target.baseUrl,
          target.key,
          `bench-w${i + 1}`,
          target.type,
          String(target.concurrency),
          String(target.waitS),
        ]),
      ),
    );
    return pool;
  }

  private async spawn(args: string[]): Promise<void> {
    const child = spawn(process.execPath, [WORKER_ENTRY, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.push(child);
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    let rest = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') ready();
        const [word, id, at] = line.split(' ');
        if (word === 'started' && id && at) {
          this.starts.set(id, Number(at));
          this.waiters.get(id)?.(Number(at));
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => this.lines.push(chunk.toString('utf8').trim()));
    const exited = once(child, 'close').then(() => {
      throw new Error(`a worker process exited before it was ready:\n${this.lines.join('\n')}`);
    });
    await Promise.race([isReady, exited]);
  }

  /** Resolves with the epoch time the handler of `id` started at. */
  startOf(id: string): Promise<number> {
    const seen = this.starts.get(id);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.set(id, resolve));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

async function setPaused(client: HttpClient, paused: boolean): Promise<void> {
  const response = await client.request(
    'POST',
    `/api/v1/admin/queues/${QUEUE}/${paused ? 'pause' : 'resume'}`,
  );
  if (response.status !== 200) throw new Error(`pause/resume: ${response.status} ${response.body}`);
}

/** Creates `count` tasks of `type`, `inFlight` POSTs at a time. */
async function createTasks(
  client: HttpClient,
  type: string,
  count: number,
  inFlight: number,
): Promise<void> {
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      parseTask(
        await client.request('POST', '/api/v1/tasks', { json: { type, payload: { i: next } } }),
        'POST /api/v1/tasks',
      );
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
}

/**
 * Throughput of whoever serves `type` (in-process processors or remote workers already waiting on
 * a claim): `count` tasks are created while the tasks queue is paused, then the queue is resumed
 * and the clock runs until the last of them has succeeded (counted in the service's database).
 */
export async function measureThroughput(
  client: HttpClient,
  databaseUrl: string,
  options: { type: string; count: number; inFlight: number },
): Promise<ThroughputResult> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const before = await succeeded(db, options.type);
    await setPaused(client, true);
    await createTasks(client, options.type, options.count, options.inFlight);
    const started = performance.now();
    await setPaused(client, false);
    const deadline = started + 600_000;
    while ((await succeeded(db, options.type)) - before < options.count) {
      if (performance.now() > deadline) throw new Error(`${options.type}: not done in 600 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    return { tasks: options.count, seconds, tasksPerSecond: options.count / seconds };
  } finally {
    await db.end();
  }
}

async function succeeded(db: Client, type: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM taskyard.tasks WHERE type = $1 AND status = 'succeeded'`,
    [type],
  );
  return rows[0]?.n ?? 0;
}

interface StartedTask {
  id: string;
  startedAt: string | null;
}

/**
 * `samples` tasks one at a time, each created with its server idle (an in-process worker waiting
 * on NOTIFY, or a remote worker waiting in a long-poll claim): from the POST until the handler
 * started. `handlerStart` is where that start time comes from (a remote worker's line; for
 * in-process tasks, the task's startedAt).
 */
export async function measureLatency(
  client: HttpClient,
  options: {
    type: string;
    samples: number;
    handlerStart?: (id: string) => Promise<number>;
  },
): Promise<LatencyResult> {
  const createdToStart: number[] = [];
  const claimToStart: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const sent = epochNow();
    const created = parseTask(
      await client.request('POST', '/api/v1/tasks', {
        json: { type: options.type, payload: { i } },
      }),
      'POST /api/v1/tasks',
    );
    const started = options.handlerStart ? await options.handlerStart(created.id) : undefined;
    const { task } = await waitForSuccess(client, created, 30);
    const claimedAt = (task as unknown as StartedTask).startedAt;
    if (started === undefined) {
      if (!claimedAt) throw new Error(`task ${task.id} has no startedAt`);
      createdToStart.push(Date.parse(claimedAt) - sent);
    } else {
      createdToStart.push(started - sent);
      if (claimedAt) claimToStart.push(started - Date.parse(claimedAt));
    }
  }
  return {
    samples: options.samples,
    createdToStartMs: percentiles(createdToStart),
    claimToStartMs: claimToStart.length > 0 ? percentiles(claimToStart) : undefined,
  };
}
