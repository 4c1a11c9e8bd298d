// Data retention under load: how long the retention job takes to delete 100,000 finished tasks
// (with their events) and 100,000 finished jobs, and what it does to claim latency (POST /tasks →
// the task's startedAt) of echo tasks created meanwhile, beside the same latency with no prune
// running, in the same run on the same service. Build and run: npm run bench:retention.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { print, progressLog, section } from './lib/console.js';
import { benchServerUrl, positiveInteger } from './lib/config.js';
import { formatCount, formatMeasure, formatSettings } from './lib/format.js';
import { loadAverage, machineLines } from './lib/machine.js';
import { type Percentiles, percentiles } from './lib/remote-measure.js';
import { renderTable } from './lib/table.js';
import { parseTask, waitForSuccess } from './lib/tasks-api.js';
import type { HttpClient } from './lib/tasks-http.js';
import {
  dataDirOf,
  type RunningService,
  type ServiceSettings,
  startService,
} from './lib/tasks-service.js';

const progress = progressLog('bench:retention');

const config = {
  serverUrl: benchServerUrl(),
  rows: positiveInteger('BENCH_RETENTION_ROWS', 100_000),
  baselineSamples: positiveInteger('BENCH_RETENTION_SAMPLES', 100),
};

const SETTINGS: ServiceSettings = {
  workerConcurrency: 20,
  workerPrefetch: 20,
  poolSize: 20,
  env: { TASKS_RETENTION_HOURS: '720', JOBS_RETENTION_HOURS: '168' },
};

/** Finished tasks 40 days old, three events each, and as many finished jobs 10 days old. */
const SEED = `
WITH seeded AS (
  INSERT INTO tasks (id, tenant, type, status, payload, max_attempts, job_id, last_seq,
                     created_at, updated_at, started_at, finished_at)
  SELECT gen_random_uuid(), 'old', 'echo', 'succeeded', to_jsonb(g), 3, -g, 3,
         now() - interval '40 days', now() - interval '40 days', now() - interval '40 days',
         now() - interval '40 days'
  FROM generate_series(1, $1::int) g
  RETURNING id
)
INSERT INTO task_events (task_id, seq, kind, at)
SELECT id, seq, (ARRAY['created', 'started', 'succeeded'])[seq], now() - interval '40 days'
FROM seeded, generate_series(1, 3) seq`;

const SEED_JOBS = `
INSERT INTO jobs (queue, type, status, attempts, created_at, started_at, finished_at)
SELECT 'default', 'bench.old', 'succeeded', 1, now() - interval '10 days',
       now() - interval '10 days', now() - interval '10 days'
FROM generate_series(1, $1::int)`;

const START_PRUNE = `
WITH job AS (
  INSERT INTO jobs (queue, type, max_attempts) VALUES ('default', 'taskyard.jobs.prune', 1)
  RETURNING id
) SELECT id::text, pg_notify('taskyard_jobs', 'queue:default') FROM job`;

const epochNow = (): number => performance.timeOrigin + performance.now();

/** One echo task: POST sent → the service's startedAt, in ms. */
async function claimLatency(client: HttpClient, i: number): Promise<number> {
  const sent = epochNow();
  const created = parseTask(
    await client.request('POST', '/api/v1/tasks', { json: { type: 'echo', payload: { i } } }),
    'POST /api/v1/tasks',
  );
  const { task } = await waitForSuccess(client, created, 30);
  const startedAt = (task as unknown as { startedAt?: string }).startedAt;
  if (!startedAt) throw new Error(`task ${task.id} has no startedAt`);
  return Date.parse(startedAt) - sent;
}

async function sample(client: HttpClient, until: () => boolean): Promise<number[]> {
  const values: number[] = [];
  for (let i = 0; !until(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    values.push(await claimLatency(client, i));
  }
  return values;
}

interface PruneRun {
  seconds: number;
  result: unknown;
  latency: Percentiles & { samples: number };
}

async function measure(
  service: RunningService,
  db: Client,
): Promise<{
  baseline: Percentiles & { samples: number };
  prune: PruneRun;
}> {
  progress(`seeding ${config.rows} old tasks (3 events each) and ${config.rows} old jobs`);
  await db.query(SEED, [config.rows]);
  await db.query(SEED_JOBS, [config.rows]);
  await db.query('ANALYZE');
  progress(`baseline: ${config.baselineSamples} echo tasks, no prune running`);
  let n = 0;
  const base = await sample(service.client, () => n++ >= config.baselineSamples);
  progress('retention job started; sampling until it ends');
  const started = performance.now();
  const { rows } = await db.query<{ id: string }>(START_PRUNE);
  const jobId = rows[0]?.id;
  let done: { status: string; result: unknown; last_error: string | null } | undefined;
  const watch = (async () => {
    while (!done) {
      const state = await db.query<{ status: string; result: unknown; last_error: string | null }>(
        'SELECT status, result, last_error FROM jobs WHERE id = $1',
        [jobId],
      );
      const job = state.rows[0];
      if (job && ['succeeded', 'failed', 'cancelled'].includes(job.status)) done = job;
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const during = await sample(service.client, () => done !== undefined);
  await watch;
  const seconds = (performance.now() - started) / 1000;
  if (done?.status !== 'succeeded')
    throw new Error(`the retention job ${done?.status}: ${done?.last_error}`);
  return {
    baseline: { samples: base.length, ...percentiles(base) },
    prune: {
      seconds,
      result: done.result,
      latency: { samples: during.length, ...percentiles(during) },
    },
  };
}

function row(label: string, p: Percentiles & { samples: number }): string[] {
  return [
    label,
    formatCount(p.samples),
    formatMeasure(p.p50),
    formatMeasure(p.p95),
    formatMeasure(p.p99),
  ];
}

async function main(): Promise<void> {
  const machine = await machineLines(config.serverUrl);
  const workDir = await mkdtemp(path.join(tmpdir(), 'taskyard-bench-retention-'));
  const service = await startService(
    config.serverUrl,
    'retention',
    dataDirOf(workDir, 'r'),
    SETTINGS,
  );
  // Taskyard's tables live in its own schema (DATABASE_SCHEMA, taskyard by default).
  const db = new Client({
    connectionString: service.databaseUrl,
    options: '-c search_path=taskyard',
  });
  await db.connect();
  try {
    const { baseline, prune } = await measure(service, db);
    section('Claim latency of echo tasks (POST sent → startedAt), ms', [
      renderTable(
        ['', 'samples', 'p50', 'p95', 'p99'],
        [row('no prune running', baseline), row('during the retention job', prune.latency)],
      ),
    ]);
    section('The retention job', [
      `${formatMeasure(prune.seconds)} s for ${formatCount(config.rows)} tasks (${formatCount(3 * config.rows)} events) and ${formatCount(config.rows)} jobs`,
      `result: ${JSON.stringify(prune.result)}`,
    ]);
    section('Settings and machine', [
      `service: one ROLE=all process, ${formatSettings(SETTINGS.env ?? {})}, WORKER_CONCURRENCY=20, DATABASE_POOL_SIZE=20`,
      'one task at a time, 20 ms apart',
      ...machine,
      `load average at the end ${loadAverage()}`,
    ]);
    print();
  } finally {
    await db.end();
    await service.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();
