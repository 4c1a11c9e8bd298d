import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { ADMIN, bearer, createUserKey, TEST_ADMIN_KEY } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  type FaultyHttpProxy,
  type ProxiedCall,
  type ProxyFault,
  startFaultyHttpProxy,
} from '../support/http-proxy.js';
import { listeningPort, spawnService, type ServiceProcess } from '../support/service-process.js';
import { getTask, taskEvents, waitForTaskStatus } from '../support/task-processes.js';
import { waitFor } from '../support/wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER_CHILD = path.join(ROOT, 'dist-test', 'test', 'support', 'remote-worker-child.js');
const PYTHON_EXAMPLE = path.join(ROOT, 'examples', 'remote-worker.py');
/** Short, so that a dead worker's lease lapses within the test. */
const LEASE_MS = 1500;
const TENANT = 'acme';

interface WorkerLine {
  event: string;
  pid: number;
  id?: string;
  attempt?: number;
  reason?: string;
  /** The task of an `error` line (what the worker told `onError`), and its message. */
  task?: string;
  message?: string;
  at: number;
}

/** A worker's report on a task, as a proxy between the worker and the service saw it. */
interface Report {
  taskId: string;
  what: string;
  leaseToken?: string;
}

function reportOf(call: ProxiedCall): Report | undefined {
  const found = /^\/api\/v1\/tasks\/([^/]+)\/(complete|fail|heartbeat)$/.exec(call.path);
  if (call.method !== 'POST' || !found?.[1] || !found[2]) return undefined;
  const { leaseToken } = JSON.parse(call.body) as { leaseToken?: string };
  return { taskId: found[1], what: found[2], leaseToken };
}

/** The `complete` calls on `taskId` that went through the proxy, with their lease tokens. */
function completesOf(proxy: FaultyHttpProxy, taskId: string): (ProxiedCall & Report)[] {
  return proxy.calls.flatMap((call) => {
    const report = reportOf(call);
    return report?.taskId === taskId && report.what === 'complete' ? [{ ...call, ...report }] : [];
  });
}

/** A remote worker process: the SDK serving `type` (test/support/remote-worker-child.ts). */
interface RemoteWorker {
  child: ChildProcess;
  lines: WorkerLine[];
  output: string[];
  waitFor(event: string, id?: string, timeoutMs?: number): Promise<WorkerLine>;
}

function startWorker(
  baseUrl: string,
  key: string,
  name: string,
  type: string,
  env: Record<string, string> = {},
): RemoteWorker {
  const child = spawn(process.execPath, [WORKER_CHILD, baseUrl, key, name, type, '2'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: WorkerLine[] = [];
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      output.push(line);
      if (line.startsWith('{')) lines.push({ ...(JSON.parse(line) as WorkerLine), at: Date.now() });
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return {
    child,
    lines,
    output,
    waitFor: (event, id, timeoutMs = 20_000) =>
      waitFor(
        `${name}: ${event}${id ? ` of ${id}` : ''}\n${output.join('\n')}`,
        () => lines.find((line) => line.event === event && (!id || line.id === id)),
        timeoutMs,
      ),
  };
}

/** Remote workers (the Node SDK and the Python example) against the real service process. */
describe('remote worker processes over HTTP', () => {
  let database: TestDatabase;
  let dataDir: string;
  let service: ServiceProcess;
  let baseUrl: string;
  let workerKey: string;
  let userKey: string;
  const workers: RemoteWorker[] = [];
  const proxies: FaultyHttpProxy[] = [];

  const createTask = async (type: string, payload: object): Promise<string> =>
    (
      (
        await request(baseUrl)
          .post('/api/v1/tasks')
          .set(bearer(userKey))
          .send({ type, payload })
          .expect(202)
      ).body as { id: string }
    ).id;
  const spawnWorker = (...args: Parameters<typeof startWorker>): RemoteWorker => {
    const worker = startWorker(...args);
    workers.push(worker);
    return worker;
  };
  const startProxy = async (
    faultOf: (call: ProxiedCall) => ProxyFault | undefined,
  ): Promise<FaultyHttpProxy> => {
    const proxy = await startFaultyHttpProxy(baseUrl, faultOf);
    proxies.push(proxy);
    return proxy;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-remote-sdk-'));
    service = spawnService({
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      ROLE: 'all',
      // info: the line with the port it listens on
      LOG_LEVEL: 'info',
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      RATE_LIMIT_PER_MINUTE: '0',
      REMOTE_WORKERS_LEASE_MS: String(LEASE_MS),
      JOBS_REAPER_INTERVAL_MS: '200',
    });
    baseUrl = `http://127.0.0.1:${await listeningPort(service)}`;
    userKey = await createUserKey(baseUrl, TENANT);
    workerKey = (
      (
        await request(baseUrl)
          .post('/api/v1/admin/keys')
          .set(ADMIN)
          .send({ tenant: TENANT, name: 'remote', role: 'worker' })
          .expect(201)
      ).body as { key: string }
    ).key;
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) worker.child.kill('SIGKILL');
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  });
  afterAll(async () => {
    service?.child.kill('SIGTERM');
    await service?.exited;
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves a type: tasks created over REST complete with the handler result', async () => {
    const worker = spawnWorker(baseUrl, workerKey, 'sdk-a', 'sdk.echo');
    await worker.waitFor('registered');
    const ids = await Promise.all(
      [1, 2, 3].map((n) => createTask('sdk.echo', { n, sleepMs: 100, progress: true })),
    );
    for (const [i, id] of ids.entries()) {
      const task = await waitForTaskStatus(baseUrl, id, ['succeeded', 'failed'], 20_000);
      expect(task.status).toBe('succeeded');
      expect(task.result).toEqual({
        servedBy: 'sdk-a',
        pid: worker.child.pid,
        echo: { n: i + 1, sleepMs: 100, progress: true },
      });
      const kinds = (await taskEvents(baseUrl, id)).map((event) => event.kind);
      expect(kinds).toEqual(expect.arrayContaining(['progress', 'succeeded']));
    }
    // A permanent error is not retried: the task fails on its first attempt.
    const failing = await createTask('sdk.echo', { fail: 'bad row 7', permanent: true });
    const failed = await waitForTaskStatus(baseUrl, failing, ['succeeded', 'failed'], 20_000);
    expect(failed.status).toBe('failed');
    expect(JSON.stringify(failed.error)).toContain('bad row 7');
    expect(
      worker.lines.filter((line) => line.id === failing && line.event === 'started'),
    ).toHaveLength(1);
  });

  it('re-claims the task of a worker killed with SIGKILL after its lease, and finishes it once', async () => {
    const first = spawnWorker(baseUrl, workerKey, 'sdk-first', 'sdk.slow');
    await first.waitFor('registered');
    const id = await createTask('sdk.slow', { sleepMs: 600_000 });
    await first.waitFor('started', id);
    // Another worker waits for work of the same type while the first holds the lease.
    const second = spawnWorker(baseUrl, workerKey, 'sdk-second', 'sdk.slow', { SKIP_SLEEP: '1' });
    await second.waitFor('registered');
    first.child.kill('SIGKILL');
    const killedAt = Date.now();

    const done = await waitForTaskStatus(baseUrl, id, ['succeeded', 'failed'], 30_000);
    expect(done.status).toBe('succeeded');
    expect(done.result).toMatchObject({ servedBy: 'sdk-second', pid: second.child.pid });
    const restarted = await second.waitFor('started', id);
    // Not before the lease lapsed: the last heartbeat left at least two thirds of it.
    expect(restarted.at - killedAt).toBeGreaterThanOrEqual(LEASE_MS / 2);
    expect(second.lines.filter((line) => line.event === 'started' && line.id === id)).toHaveLength(
      1,
    );
    const events = await taskEvents(baseUrl, id);
    expect(events.filter((event) => event.kind === 'succeeded')).toHaveLength(1);
  });

  it('aborts the handler signal when the task is cancelled (told by the heartbeat)', async () => {
    const worker = spawnWorker(baseUrl, workerKey, 'sdk-cancel', 'sdk.cancel');
    await worker.waitFor('registered');
    const id = await createTask('sdk.cancel', { sleepMs: 600_000 });
    await worker.waitFor('started', id);
    await request(baseUrl).post(`/api/v1/tasks/${id}/cancel`).set(bearer(userKey)).expect(202);
    const aborted = await worker.waitFor('aborted', id, LEASE_MS * 3);
    expect(aborted.reason).toMatch(/cancelled/);
    const task = await waitForTaskStatus(baseUrl, id, ['cancelled', 'failed', 'succeeded'], 10_000);
    expect(task.status).toBe('cancelled');
    expect(worker.lines.some((line) => line.event === 'finished' && line.id === id)).toBe(false);
  });

  it.each([
    ['drops the request', 'drop-request', 200],
    ['drops the answer', 'drop-answer', 409],
    ['answers 503', 503, 200],
  ] as const)(
    'sends complete again when a proxy %s, and the task succeeds once with the result',
    async (_, fault, resendStatus) => {
      const name = `sdk-resend-${fault}`;
      const type = `sdk.resend.${fault}`;
      let faulted = false;
      const proxy = await startProxy((call) => {
        if (faulted || reportOf(call)?.what !== 'complete') return undefined;
        faulted = true;
        return fault;
      });
      const worker = spawnWorker(proxy.url, workerKey, name, type);
      await worker.waitFor('registered');
      const id = await createTask(type, { n: 1 });

      // The first answer is lost or a 5xx; the resend gets through: accepted, or 409 when the
      // first had landed (its answer dropped), which the worker takes as done.
      const completes = await waitFor('a resent complete with an answer', () => {
        const calls = completesOf(proxy, id);
        return calls[1]?.status !== undefined && calls;
      });
      expect(completes.map((call) => [call.fault, call.status])).toEqual([
        [fault, fault === 'drop-answer' ? 200 : undefined],
        [undefined, resendStatus],
      ]);
      expect(completes[1]?.leaseToken).toBe(completes[0]?.leaseToken);
      const task = await waitForTaskStatus(baseUrl, id, ['succeeded', 'failed'], 20_000);
      expect(task.status).toBe('succeeded');
      expect(task.attempts).toBe(1);
      expect(task.result).toEqual({ servedBy: name, pid: worker.child.pid, echo: { n: 1 } });
      const kinds = (await taskEvents(baseUrl, id)).map((event) => event.kind);
      expect(kinds.filter((kind) => kind === 'succeeded')).toHaveLength(1);
      expect(kinds).not.toContain('retrying');
      expect(
        worker.lines.filter((line) => line.event === 'started' && line.id === id),
      ).toHaveLength(1);
      expect(worker.lines.filter((line) => line.event === 'error' && line.task === id)).toEqual([]);
    },
  );

  it('stops sending complete once its lease has run out; the reclaimed attempt result stands', async () => {
    // Cut off from the first attempt's token on: its complete and heartbeats never arrive, so its
    // lease runs out and the reaper hands the task back. The cut heals once another attempt runs.
    let cutToken: string | undefined;
    let healed = false;
    const proxy = await startProxy((call) => {
      const report = reportOf(call);
      if (!report || healed) return undefined;
      if (report.what === 'complete') cutToken ??= report.leaseToken;
      return report.leaseToken === cutToken ? 'drop-request' : undefined;
    });
    const worker = spawnWorker(proxy.url, workerKey, 'sdk-cut-off', 'sdk.cut-off');
    await worker.waitFor('registered');
    const id = await createTask('sdk.cut-off', { n: 2 });

    // The worker gives up on its own: the lease it knows of would end before the next resend.
    const gaveUp = await waitFor(
      'the first attempt to give up its complete',
      () =>
        worker.lines.find(
          (line) =>
            line.event === 'error' &&
            line.task === id &&
            line.message?.includes(`/tasks/${id}/complete`),
        ),
      LEASE_MS * 4,
    );
    const sentBeforeGivingUp = completesOf(proxy, id).length;
    expect(sentBeforeGivingUp).toBeGreaterThanOrEqual(2);
    await waitFor(
      'the task to be claimed again',
      () =>
        worker.lines.find(
          (line) => line.event === 'started' && line.id === id && line.attempt === 2,
        ),
      20_000,
    );
    healed = true;

    const task = await waitForTaskStatus(baseUrl, id, ['succeeded', 'failed'], 20_000);
    expect(task.status).toBe('succeeded');
    expect(task.attempts).toBe(2);
    expect(task.result).toEqual({ servedBy: 'sdk-cut-off', pid: worker.child.pid, echo: { n: 2 } });
    // The task is succeeded once the service commits, which can be before the proxy has the
    // answer's status: wait for it.
    await waitFor(
      "the second attempt's complete to be answered",
      () => {
        const second = completesOf(proxy, id).filter((call) => call.leaseToken !== cutToken);
        return second.length > 0 && second.every((call) => call.status !== undefined);
      },
      10_000,
    );
    const completes = completesOf(proxy, id);
    const first = completes.filter((call) => call.leaseToken === cutToken);
    // Nothing of the first attempt was sent after it gave up, so none reached the service even
    // after the cut healed; the second attempt's one complete is the one that landed.
    expect(first).toHaveLength(sentBeforeGivingUp);
    expect(first.every((call) => call.fault === 'drop-request' && call.status === undefined)).toBe(
      true,
    );
    expect(completes.filter((call) => call.leaseToken !== cutToken)).toEqual([
      expect.objectContaining({ fault: undefined, status: 200 }),
    ]);
    expect(gaveUp.message).toMatch(/cannot reach/);
    const events = await taskEvents(baseUrl, id);
    expect(events.filter((event) => event.kind === 'succeeded')).toHaveLength(1);
    expect(events.filter((event) => event.kind === 'retrying')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ reason: expect.stringMatching(/^lease expired/) }),
      }),
    ]);
  });

  it('completes a task with the standard-library Python worker (examples/remote-worker.py)', async () => {
    if (spawnSync('python3', ['--version']).status !== 0) {
      console.log('skipped: python3 is not installed');
      return;
    }
    const python = spawn('python3', [PYTHON_EXAMPLE, baseUrl, workerKey, '--once'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    python.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    python.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => python.once('exit', resolve));
    try {
      await waitFor('the Python worker to register', () => output.join('').includes('registered'));
      const id = await createTask('py.wordcount', { text: 'the quick brown fox jumps' });
      expect(await exited).toBe(0);
      const task = await getTask(baseUrl, id);
      expect(task.status).toBe('succeeded');
      expect(task.result).toEqual({ words: 5, characters: 25 });
      expect(output.join('')).toContain(`completed ${id}: 200`);
    } finally {
      python.kill('SIGKILL');
    }
  });
});
