import { readFile } from 'node:fs/promises';
import { parseTask, type TaskBody } from './tasks-api.js';
import { CpuMeter, type CpuUse, databaseNameOf } from './tasks-cpu.js';
import { HttpClient } from './tasks-http.js';
import type { ClientFleet } from './ws-clients.js';

/** The running service, as the measurements use it. */
export interface WsService {
  pid: number;
  baseUrl: string;
  databaseUrl: string;
  client: HttpClient;
}

/** The tenant of the benchmark's user key: tasks and sockets all belong to it. */
export const BENCH_TENANT = 'bench-ws';
const CREATORS = 32;

/** A new user key of BENCH_TENANT, made with the admin client. */
export async function createUserKey(admin: HttpClient): Promise<string> {
  const { body } = await admin.json('POST', '/api/v1/admin/keys', [201], {
    json: { tenant: BENCH_TENANT, name: `bench-ws-${Date.now()}`, role: 'user' },
  });
  return (body as { key: string }).key;
}

/** Pauses or resumes the `tasks` queue: tasks created while it is paused wait, queued. */
export async function setTasksPaused(admin: HttpClient, paused: boolean): Promise<void> {
  await admin.json('POST', `/api/v1/admin/queues/tasks/${paused ? 'pause' : 'resume'}`, [200, 201]);
}

/** Creates `count` tasks of `body`, `CREATORS` requests at a time; in order of index. */
export async function createTasks(
  baseUrl: string,
  key: string,
  count: number,
  body: (index: number) => unknown,
): Promise<TaskBody[]> {
  const client = new HttpClient(baseUrl, key, CREATORS);
  const tasks: TaskBody[] = Array.from({ length: count });
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      tasks[index] = parseTask(
        await client.request('POST', '/api/v1/tasks', { json: body(index) }),
        'POST /api/v1/tasks',
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CREATORS, count) }, loop));
  } finally {
    client.close();
  }
  return tasks;
}

/** The service's own view of the feed's delay (taskyard_gateway_event_delay_seconds on /metrics). */
export interface EmitDelay {
  count: number;
  sumSeconds: number;
  /** Emissions within 50 ms of their `at`. */
  within50ms: number;
}

export async function emitDelay(client: HttpClient): Promise<EmitDelay> {
  const { body, status } = await client.request('GET', '/metrics');
  if (status !== 200) throw new Error(`GET /metrics: ${status}`);
  const value = (pattern: RegExp): number => Number(pattern.exec(body)?.[1] ?? Number.NaN);
  return {
    count: value(/^taskyard_gateway_event_delay_seconds_count(?:\{[^}]*\})? (\S+)$/m),
    sumSeconds: value(/^taskyard_gateway_event_delay_seconds_sum(?:\{[^}]*\})? (\S+)$/m),
    within50ms: value(
      /^taskyard_gateway_event_delay_seconds_bucket\{[^}]*le="0\.05"[^}]*\} (\S+)$/m,
    ),
  };
}

export function emitDelayBetween(before: EmitDelay, after: EmitDelay): EmitDelay {
  return {
    count: after.count - before.count,
    sumSeconds: after.sumSeconds - before.sumSeconds,
    within50ms: after.within50ms - before.within50ms,
  };
}

/** VmRSS of a process in bytes (undefined once it has gone). */
export async function vmRss(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** CPU of the service, PostgreSQL, this process and the client processes (cores). */
export interface WsCpu extends CpuUse {
  clients: number;
}

/** CpuMeter plus the client processes of a fleet. */
export class WsCpuMeter {
  readonly #meter: CpuMeter;
  readonly #fleet: ClientFleet | undefined;
  readonly #clientTicks: number;

  /** Without a database, PostgreSQL's figure is its background processes only. */
  constructor(source: { pid: number; databaseUrl?: string }, fleet?: ClientFleet) {
    const database = source.databaseUrl ? databaseNameOf(source.databaseUrl) : 'none: no database';
    this.#meter = new CpuMeter(source.pid, database);
    this.#fleet = fleet;
    this.#clientTicks = fleet?.ticks() ?? 0;
  }

  read(): WsCpu {
    const ticks = (this.#fleet?.ticks() ?? 0) - this.#clientTicks;
    const use = this.#meter.read();
    const clients = ticks / 100 / Math.max(use.seconds, 1e-3);
    return { ...use, clients, other: Math.max(0, use.other - clients) };
  }
}

function f(value: number): string {
  return value.toFixed(2);
}

export function describeWsCpu(use: WsCpu): string {
  return (
    `CPU in cores over ${use.seconds.toFixed(1)} s: service ${f(use.service)}, ` +
    `PostgreSQL ${f(use.postgres)}, client processes ${f(use.clients)}, bench ${f(use.bench)}, ` +
    `other ${f(use.other)}; machine ${f(use.machine)} of ${use.cpus}`
  );
}
