import { positiveInteger } from './config.js';

export const TASKS_SCENARIOS = ['echo', 'upload', 'csv'] as const;
export type TasksScenario = (typeof TASKS_SCENARIOS)[number];

export interface TasksBenchConfig {
  serverUrl: string;
  /** The Redis of the echo scenario's NestJS + BullMQ reference (skipped if none answers). */
  redisUrl: string;
  scenarios: TasksScenario[];
  /** Echo tasks measured, after `echoWarmup` tasks that are not. */
  echoTasks: number;
  echoWarmup: number;
  /** No echo task is started after this many seconds of the measured phase. */
  echoTimeLimitS: number;
  /** Client loops creating a task and waiting for it, one task at a time each. */
  clients: number;
  /** Longest `Prefer: wait=N` the clients send. */
  waitS: number;
  /** Size of the uploaded file, in MB (10^6 bytes). */
  uploadMb: number;
  csvRows: number;
  /** The service's WORKER_CONCURRENCY, WORKER_PREFETCH and DATABASE_POOL_SIZE. */
  workerConcurrency: number;
  workerPrefetch: number;
  poolSize: number;
  pgbenchSeconds: number;
  /** Write a V8 CPU profile of each service process into this directory (--cpu-prof). */
  cpuProfileDir?: string;
  /** More node arguments for the service processes (BENCH_SERVICE_NODE_ARGS, space-separated). */
  serviceNodeArgs: string[];
  /** Leave dist/ as it is instead of running `npm run build` first. */
  skipBuild: boolean;
}

function scenarioList(): TasksScenario[] {
  const raw = process.env.BENCH_SCENARIOS;
  if (!raw) return [...TASKS_SCENARIOS];
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(TASKS_SCENARIOS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_SCENARIOS: unknown ${unknown.join(', ')}; known: ${TASKS_SCENARIOS.join(', ')}`,
    );
  }
  return names as TasksScenario[];
}

export function loadTasksConfig(): TasksBenchConfig {
  const echoTasks = positiveInteger('BENCH_TASKS', 20_000);
  return {
    serverUrl:
      process.env.BENCH_DATABASE_URL ||
      process.env.DATABASE_URL ||
      'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.BENCH_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    scenarios: scenarioList(),
    echoTasks,
    echoWarmup: positiveInteger('BENCH_WARMUP_TASKS', Math.min(1_000, echoTasks)),
    echoTimeLimitS: positiveInteger('BENCH_ECHO_TIME_LIMIT_S', 240),
    clients: positiveInteger('BENCH_CLIENTS', 50),
    waitS: positiveInteger('BENCH_WAIT_S', 30),
    uploadMb: positiveInteger('BENCH_UPLOAD_MB', 500),
    csvRows: positiveInteger('BENCH_CSV_ROWS', 1_000_000),
    workerConcurrency: positiveInteger('BENCH_WORKER_CONCURRENCY', 20),
    workerPrefetch: positiveInteger('BENCH_WORKER_PREFETCH', 20),
    poolSize: positiveInteger('BENCH_DATABASE_POOL_SIZE', 20),
    pgbenchSeconds: positiveInteger('BENCH_PGBENCH_SECONDS', 5),
    cpuProfileDir: process.env.BENCH_CPU_PROF || undefined,
    serviceNodeArgs: (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean),
    skipBuild: process.env.BENCH_SKIP_BUILD === '1',
  };
}
