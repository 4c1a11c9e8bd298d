import { percentile } from './stats.js';
import { parseTask, type TasksEndpoint, waitForSuccess } from './tasks-api.js';
import type { HttpClient } from './tasks-http.js';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface EchoOptions {
  tasks: number;
  warmup: number;
  clients: number;
  waitS: number;
  timeLimitS: number;
}

/** What the client loops saw over the measured phase, whichever service they drove. */
export interface EchoRun {
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
  /** GETs answered 304: woken with no change (or waited out the whole wait). */
  notModified: number;
  /** The longest a 304 took to come back, in ms. */
  notModifiedMaxMs: number;
  /** The longest end-to-end latency, in ms. */
  endToEndMaxMs: number;
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
async function echoOnce(
  client: HttpClient,
  endpoint: TasksEndpoint,
  i: number,
  waitS: number,
): Promise<Sample> {
  const sent = performance.now();
  const created = parseTask(
    await client.request('POST', endpoint.path, { json: { type: 'echo', payload: { i } } }),
    `POST ${endpoint.path}`,
  );
  const answered = performance.now();
  const { task, polls, notModified, notModifiedMaxMs } = await waitForSuccess(
    client,
    created,
    waitS,
    endpoint,
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
  endpoint: TasksEndpoint,
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
      samples.push(await echoOnce(client, endpoint, next, options.waitS));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.clients, total) }, loop));
  return samples;
}

/** The warm-up: `options.warmup` tasks through the client loops, not measured. */
export async function warmUpEcho(
  client: HttpClient,
  endpoint: TasksEndpoint,
  options: EchoOptions,
): Promise<void> {
  await runLoops(client, endpoint, options.warmup, {
    clients: options.clients,
    waitS: options.waitS,
    firstIndex: 0,
    deadline: Number.POSITIVE_INFINITY,
  });
}

/**
 * The measured phase after warmUpEcho: `clients` loops, each creating an echo task and waiting for
 * it to succeed, for `tasks` tasks or as many as the loops start within `timeLimitS`. Throughput is
 * tasks that went from created to seen succeeded, per second of the measured phase.
 */
export async function measureEchoLoops(
  client: HttpClient,
  endpoint: TasksEndpoint,
  options: EchoOptions,
): Promise<EchoRun> {
  const started = performance.now();
  const samples = await runLoops(client, endpoint, options.tasks, {
    clients: options.clients,
    waitS: options.waitS,
    firstIndex: options.warmup,
    deadline: started + options.timeLimitS * 1000,
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    tasks: samples.length,
    timeLimited: samples.length < options.tasks,
    clients: options.clients,
    seconds,
    tasksPerSecond: samples.length / seconds,
    createMs: percentiles(samples.map((s) => s.createMs)),
    endToEndMs: percentiles(samples.map((s) => s.endToEndMs)),
    pollsPerTask: samples.reduce((sum, s) => sum + s.polls, 0) / samples.length,
    notModified: samples.reduce((sum, s) => sum + s.notModified, 0),
    notModifiedMaxMs: samples.reduce((max, s) => Math.max(max, s.notModifiedMaxMs), 0),
    endToEndMaxMs: samples.reduce((max, s) => Math.max(max, s.endToEndMs), 0),
  };
}
