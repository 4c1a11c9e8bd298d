import { positiveInteger } from './config.js';

export const WS_SCENARIOS = ['latency', 'fanout', 'idle'] as const;
export type WsScenario = (typeof WS_SCENARIOS)[number];

export interface WsBenchConfig {
  serverUrl: string;
  scenarios: WsScenario[];
  /** Client counts of the latency measurement: each client follows its own busy task. */
  latencyClients: number[];
  /** `options.ms` of the latency measurement's sleep tasks (20 progress events over it). */
  taskMs: number;
  /** Clients of the fan-out measurement, and the sleep tasks whose events they all receive. */
  fanoutClients: number;
  /** all: every client subscribes `{all: true}`; shared: client i follows task i % tasks by id. */
  fanoutModes: ('all' | 'shared')[];
  fanoutTasks: number;
  fanoutTaskMs: number;
  /** Spread the tasks' progress steps (FollowPlan.stagger) in the latency measurement. */
  stagger: boolean;
  /** pgbench seconds per script of the INSERT(+NOTIFY) reference. */
  pgbenchSeconds: number;
  /** Clients connected (then subscribed to one idle task each) for the RSS measurement. */
  idleClients: number;
  /** How long the server is left to settle before each RSS reading (sampled for up to 2 s). */
  settleMs: number;
  /** Socket.IO clients per client process. */
  socketsPerProcess: number;
  /** The service's WORKER_CONCURRENCY, WORKER_PREFETCH and DATABASE_POOL_SIZE. */
  workerConcurrency: number;
  workerPrefetch: number;
  poolSize: number;
  /** Write a V8 CPU profile of each service process into this directory (--cpu-prof). */
  cpuProfileDir?: string;
  /** More node arguments for the service processes (BENCH_SERVICE_NODE_ARGS, space-separated). */
  serviceNodeArgs: string[];
  /** Leave dist/ as it is instead of running `npm run build` first. */
  skipBuild: boolean;
}

function scenarioList(): WsScenario[] {
  const raw = process.env.BENCH_SCENARIOS;
  if (!raw) return [...WS_SCENARIOS];
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(WS_SCENARIOS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_SCENARIOS: unknown ${unknown.join(', ')}; known: ${WS_SCENARIOS.join(', ')}`,
    );
  }
  return names as WsScenario[];
}

function integerList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isInteger(value) || value < 1)) {
    throw new Error(`${name} must be a comma-separated list of positive integers, got "${raw}"`);
  }
  return values;
}

function fanoutModes(): ('all' | 'shared')[] {
  const raw = process.env.BENCH_WS_FANOUT_MODES ?? 'all,shared';
  const modes = raw.split(',').map((mode) => mode.trim());
  if (modes.some((mode) => mode !== 'all' && mode !== 'shared')) {
    throw new Error(`BENCH_WS_FANOUT_MODES: a comma-separated list of all, shared; got "${raw}"`);
  }
  return modes as ('all' | 'shared')[];
}

export function loadWsConfig(): WsBenchConfig {
  const latencyClients = integerList('BENCH_WS_CLIENTS', [1, 100, 1000]);
  return {
    serverUrl:
      process.env.BENCH_DATABASE_URL ||
      process.env.DATABASE_URL ||
      'postgres://postgres@127.0.0.1:5432/postgres',
    scenarios: scenarioList(),
    latencyClients,
    taskMs: positiveInteger('BENCH_WS_TASK_MS', 10_000),
    fanoutClients: positiveInteger('BENCH_WS_FANOUT_CLIENTS', 1000),
    fanoutModes: fanoutModes(),
    fanoutTasks: positiveInteger('BENCH_WS_FANOUT_TASKS', 20),
    fanoutTaskMs: positiveInteger('BENCH_WS_FANOUT_TASK_MS', 10_000),
    stagger: process.env.BENCH_WS_STAGGER === '1',
    pgbenchSeconds: positiveInteger('BENCH_PGBENCH_SECONDS', 5),
    idleClients: positiveInteger('BENCH_WS_IDLE_CLIENTS', 1000),
    settleMs: positiveInteger('BENCH_WS_SETTLE_MS', 3000),
    socketsPerProcess: positiveInteger('BENCH_WS_SOCKETS_PER_PROCESS', 250),
    workerConcurrency: positiveInteger(
      'BENCH_WORKER_CONCURRENCY',
      Math.max(1000, ...latencyClients),
    ),
    workerPrefetch: positiveInteger('BENCH_WORKER_PREFETCH', 20),
    poolSize: positiveInteger('BENCH_DATABASE_POOL_SIZE', 20),
    cpuProfileDir: process.env.BENCH_CPU_PROF || undefined,
    serviceNodeArgs: (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean),
    skipBuild: process.env.BENCH_SKIP_BUILD === '1',
  };
}
