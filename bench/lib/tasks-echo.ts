import { Client } from 'pg';
import { percentile } from './stats.js';
import { parseTask, waitForSuccess } from './tasks-api.js';
import { CpuMeter, type CpuUse, databaseNameOf } from './tasks-cpu.js';
import type { HttpClient } from './tasks-http.js';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface EchoResult {
  tasks: number;
  /** The time limit stopped the run before `tasks` tasks were created. */
  timeLimited: boolean;
  clients: number;
  seconds: number;
  tasksPerSecond: number;
  /** POST /tasks until its 202. */
  createMs: Percentiles;
  /** POST /tasks sent until the GET that saw it succeeded. */
  endToEndMs: Percentiles;
  pollsPerTask: number;
  /** Activity of the service's database over the measured phase, per task (pg_stat_database). */
  perTask: DatabaseActivity;
  /** GETs answered 304: woken with no change (or waited out the whole wait). */
  notModified: number;
  /** The longest a 304 took to come back, in ms. */
  notModifiedMaxMs: number;
  /** The longest end-to-end latency, in ms. */
  endToEndMaxMs: number;
  cpu: CpuUse;
}

/** Counters of pg_stat_database (shared-memory stats: flushed by each backend within ~1-10 s). */
export interface DatabaseActivity {
  commits: number;
  rollbacks: number;
  inserted: number;
  updated: number;
  deleted: number;
}

async function databaseActivity(url: string): Promise<DatabaseActivity> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<keyof DatabaseActivity, string>>(
      `SELECT xact_commit AS commits, xact_rollback AS rollbacks, tup_inserted AS inserted,
              tup_updated AS updated, tup_deleted AS deleted
         FROM pg_stat_database WHERE datname = current_database()`,
    );
    const row = rows[0];
    return {
      commits: Number(row.commits),
      rollbacks: Number(row.rollbacks),
      inserted: Number(row.inserted),
      updated: Number(row.updated),
      deleted: Number(row.deleted),
    };
  } finally {
    await client.end();
  }
}

function perTask(before: DatabaseActivity, after: DatabaseActivity, tasks: number) {
  const keys = Object.keys(before) as (keyof DatabaseActivity)[];
  return Object.fromEntries(
    keys.map((key) => [key, (after[key] - before[key]) / tasks]),
  ) as unknown as DatabaseActivity;
}

interface Sample {
  createMs: number;
  endToEndMs: number;
  polls: number;
  notModified: number;
  notModifiedMaxMs: number;
}

function percentiles(values: number[]): Percentiles {
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
}

/** One client's step: create an echo task, then long-poll it until it has succeeded. */
async function echoOnce(client: HttpClient, i: number, waitS: number): Promise<Sample> {
  const sent = performance.now();
  const created = parseTask(
    await client.request('POST', '/api/v1/tasks', { json: { type: 'echo', payload: { i } } }),
    'POST /api/v1/tasks',
  );
  const answered = performance.now();
  const { task, polls, notModified, notModifiedMaxMs } = await waitForSuccess(
    client,
    created,
    waitS,
  );
  const done = performance.now();
  if ((task.result as { i?: number } | null)?.i !== i) {
    throw new Error(`echo task ${task.id} returned ${JSON.stringify(task.result)}, not {i: ${i}}`);
  }
  return {
    createMs: answered - sent,
    endToEndMs: done - sent,
    polls,
    notModified,
    notModifiedMaxMs,
  };
}

/** Runs `total` echo tasks through `clients` loops; no loop starts a task after `deadline`. */
async function runLoops(
  client: HttpClient,
  total: number,
  options: { clients: number; waitS: number; firstIndex: number; deadline: number },
): Promise<Sample[]> {
  const samples: Sample[] = [];
  let next = options.firstIndex;
  let started = 0;
  const loop = async (): Promise<void> => {
    while (started < total && performance.now() < options.deadline) {
      started += 1;
      next += 1;
      samples.push(await echoOnce(client, next, options.waitS));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.clients, total) }, loop));
  return samples;
}

/**
 * `clients` loops, each creating an echo task and waiting for it to succeed, for `warmup` tasks
 * (not measured) and then `tasks` tasks, or as many as the loops start within `timeLimitS`.
 * Throughput is tasks that went from created to seen
 * succeeded, per second of the measured phase.
 */
export async function measureEcho(
  client: HttpClient,
  service: { pid: number; databaseUrl: string },
  options: { tasks: number; warmup: number; clients: number; waitS: number; timeLimitS: number },
): Promise<EchoResult> {
  const loops = { clients: options.clients, waitS: options.waitS };
  await runLoops(client, options.warmup, {
    ...loops,
    firstIndex: 0,
    deadline: Number.POSITIVE_INFINITY,
  });
  // Lets the backends flush the warm-up's statistics (at most once a second when busy).
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const activity = await databaseActivity(service.databaseUrl);
  const meter = new CpuMeter(service.pid, databaseNameOf(service.databaseUrl));
  const started = performance.now();
  const samples = await runLoops(client, options.tasks, {
    ...loops,
    firstIndex: options.warmup,
    deadline: started + options.timeLimitS * 1000,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = meter.read();
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const activityAfter = await databaseActivity(service.databaseUrl);
  return {
    tasks: samples.length,
    timeLimited: samples.length < options.tasks,
    clients: options.clients,
    seconds,
    tasksPerSecond: samples.length / seconds,
    createMs: percentiles(samples.map((s) => s.createMs)),
    endToEndMs: percentiles(samples.map((s) => s.endToEndMs)),
    pollsPerTask: samples.reduce((sum, s) => sum + s.polls, 0) / samples.length,
    perTask: perTask(activity, activityAfter, samples.length),
    notModified: samples.reduce((sum, s) => sum + s.notModified, 0),
    notModifiedMaxMs: samples.reduce((max, s) => Math.max(max, s.notModifiedMaxMs), 0),
    endToEndMaxMs: samples.reduce((max, s) => Math.max(max, s.endToEndMs), 0),
    cpu,
  };
}
