import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { deleteKeys, type RedisServer } from './redis-server.js';
import type { TasksEndpoint } from './tasks-api.js';
import { CpuMeter, type CpuUse } from './tasks-cpu.js';
import {
  type EchoOptions,
  type EchoRun,
  measureEchoLoops,
  warmUpEcho,
} from './tasks-echo-loops.js';
import { HttpClient } from './tasks-http.js';
import { freePort, spawnNode, stopChild, waitUntilReady } from './tasks-service.js';

/** Compiled reference service: dist-bench/bench/lib → dist-bench/bench/reference. */
const REFERENCE_ENTRY = fileURLToPath(new URL('../reference/bullmq-service.js', import.meta.url));

/** The reference answers plain long polls: no event sequence, so no If-None-Match / 304. */
/** Its long poll always waits for the job's end (waitUntilFinished). */
const REFERENCE_TASKS: TasksEndpoint = {
  path: '/tasks',
  conditionalPolls: false,
  untilFinished: '',
};

/** The echo client loops against the reference, with the CPU of the measured phase. */
export interface ReferenceResult extends EchoRun {
  cpu: CpuUse;
  redis: RedisServer;
}

/** "@nestjs/core 12.5.1, @nestjs/bullmq 12.0.0, bullmq 5.81.5", from the installed packages. */
function referenceVersions(): string {
  const require = createRequire(import.meta.url);
  const version = (name: string): string =>
    (require(`${name}/package.json`) as { version: string }).version;
  return `@nestjs/core ${version('@nestjs/core')}, @nestjs/bullmq ${version('@nestjs/bullmq')}, bullmq ${version('bullmq')}`;
}

/** How the reference runs, for the settings section of the report. */
export function referenceSettingsLine(
  redisUrl: string,
  workerConcurrency: number,
  waitS: number,
): string {
  return (
    `echo reference: node dist-bench/bench/reference/bullmq-service.js, one process: NestJS ` +
    `(Express, ValidationPipe) + BullModule.forRoot on ${redisUrl} under a key prefix of ` +
    `its own (deleted after), queue "echo" with removeOnComplete {age: 3600}, a @Processor ` +
    `WorkerHost returning the payload, concurrency ${workerConcurrency}; ` +
    `${referenceVersions()}; the same client loops on POST /tasks, then GET /tasks/:id ` +
    `Prefer: wait=${waitS} (job.waitUntilFinished on QueueEvents) until succeeded`
  );
}

export const REFERENCE_NOTE =
  'echo vs NestJS + BullMQ: the stack a NestJS developer would otherwise pick for the same work, ' +
  'on the same machine in the same run. It has no authentication and no event log, and Redis ' +
  'keeps its data as configured (see its persistence in the details), while Taskyard commits ' +
  'each task and its events to PostgreSQL. Set BENCH_REDIS_URL or REDIS_URL to run it ' +
  'elsewhere (default redis://127.0.0.1:6379); without an answering Redis it is skipped.';

/**
 * Starts the reference service (bench/reference/bullmq-service.ts) on `redis` under a key prefix
 * of its own, runs the same echo client loops as against Taskyard (warm-up, then measured), stops
 * it and deletes its keys. Its first log lines go to `log`.
 */
export async function measureReference(
  redis: RedisServer,
  workerConcurrency: number,
  options: EchoOptions,
  log: string[],
): Promise<ReferenceResult> {
  const prefix = `bench-reference-${process.pid}-${Date.now()}`;
  const port = await freePort();
  const { child, lines } = spawnNode([REFERENCE_ENTRY], {
    env: {
      PORT: String(port),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
      WORKER_CONCURRENCY: String(workerConcurrency),
    },
  });
  const client = new HttpClient(`http://127.0.0.1:${port}`, 'none');
  try {
    await waitUntilReady(client, child, lines);
    await warmUpEcho(client, REFERENCE_TASKS, options);
    const meter = new CpuMeter(child.pid, 'none: no database', redis.pid);
    const run = await measureEchoLoops(client, REFERENCE_TASKS, options);
    return { ...run, cpu: meter.read(), redis };
  } finally {
    client.close();
    await stopChild(child);
    log.push(...lines.slice(0, 20).map((line) => `reference: ${line}`));
    await deleteKeys(redis.url, prefix);
  }
}
