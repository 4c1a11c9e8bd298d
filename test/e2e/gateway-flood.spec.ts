import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import { scrape, valueOf } from '../support/metrics.js';
import { connectTasks } from '../support/sockets.js';
import { createTask } from '../support/tasks.js';

const FLOOD_PER_SECOND = 10_000;
const FLOOD_MS = 3_000;

interface FloodResult {
  sent: number;
  acks: { ok: number; rateLimited: number; other: number };
  drops: number;
}

/** test/support/flood-child.ts in a process of its own (built by `npm test`). */
async function flood(baseUrl: string, key: string, taskId: string): Promise<FloodResult> {
  const script = fileURLToPath(
    new URL('../../dist-test/test/support/flood-child.js', import.meta.url),
  );
  const child = spawn(
    process.execPath,
    [script, baseUrl, key, taskId, String(FLOOD_PER_SECOND), String(FLOOD_MS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await once(child, 'exit');
  return JSON.parse(output) as FloodResult;
}

/** Another client's requests meanwhile: an API read and the readiness probe, one after another. */
async function otherClient(baseUrl: string, key: string, taskId: string, until: () => boolean) {
  const latencies: number[] = [];
  const readiness: number[] = [];
  /** The checks a 503 named as down, to tell the flood's doing from the test process's. */
  const down = new Set<string>();
  while (!until()) {
    const started = performance.now();
    await request(baseUrl).get(`/api/v1/tasks/${taskId}`).set(bearer(key)).expect(200);
    latencies.push(performance.now() - started);
    const ready = await request(baseUrl).get('/health/ready');
    readiness.push(ready.status);
    for (const check of Object.keys((ready.body as { error?: object }).error ?? {}))
      down.add(check);
  }
  return { latencies, readiness, down };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

describe('a flood of messages from one socket', () => {
  let testApp: TestApp;
  let acme: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    acme = await createUserKey(testApp.baseUrl, 'acme');
  });
  afterAll(() => testApp.close());

  it('gets error acks, then the door, while another client keeps its latency and readiness', async () => {
    const task = await createTask(testApp.baseUrl, acme, { type: 'echo', payload: 1 });
    const quiet = await otherClient(
      testApp.baseUrl,
      acme,
      task.id,
      (() => {
        const end = Date.now() + 2000;
        return () => Date.now() > end;
      })(),
    );
    let flooding = true;
    const [flooded, during] = await Promise.all([
      flood(testApp.baseUrl, acme, task.id).finally(() => (flooding = false)),
      otherClient(testApp.baseUrl, acme, task.id, () => !flooding),
    ]);
    console.log(
      `flood: ${flooded.sent} subscribe messages sent, acks ${JSON.stringify(flooded.acks)}, ` +
        `dropped ${flooded.drops} times; other client's GET /tasks/:id p99 ` +
        `${percentile(quiet.latencies, 99).toFixed(1)} ms quiet, ` +
        `${percentile(during.latencies, 99).toFixed(1)} ms during the flood ` +
        `(${during.latencies.length} requests); readiness ${[...new Set(during.readiness)].join(',')}` +
        (during.down.size > 0 ? ` (down: ${[...during.down].join(', ')})` : ''),
    );
    expect(during.readiness.every((status) => status === 200)).toBe(true);
    expect(flooded.acks.rateLimited).toBeGreaterThan(0);
    expect(flooded.drops).toBeGreaterThan(0);
    // What an alert on /metrics sees of it: refusals, and the sockets closed for flooding.
    const metrics = await scrape(testApp.baseUrl);
    const drops = valueOf(metrics, 'taskyard_gateway_connections_dropped_total', {
      reason: 'flood',
    });
    // At least the client's count: the server may drop its last socket as it stops counting.
    expect(drops).toBeGreaterThanOrEqual(flooded.drops);
    expect(
      valueOf(metrics, 'taskyard_gateway_connections_dropped_total', { reason: 'revoked' }),
    ).toBe(0);
    expect(valueOf(metrics, 'taskyard_gateway_messages_refused_total')).toBeGreaterThanOrEqual(
      flooded.acks.rateLimited,
    );
    expect(valueOf(metrics, 'taskyard_gateway_disconnects_total')).toBeGreaterThanOrEqual(drops);
  }, 60_000);

  it('caps the subscriptions of one socket with an error ack, and keeps the connection', async () => {
    const client = await connectTasks(testApp.baseUrl, { token: acme });
    const tasks = await Promise.all(
      Array.from({ length: 3 }, () =>
        createTask(testApp.baseUrl, acme, { type: 'echo', payload: 1 }),
      ),
    );
    const capped = await startTestApp({
      env: { GATEWAY_MAX_SUBSCRIPTIONS: '2' },
      database: testApp.database,
    });
    try {
      const onCapped = await connectTasks(capped.baseUrl, { token: acme });
      expect(await onCapped.subscribe({ taskId: tasks[0]?.id })).toEqual({ ok: true });
      expect(await onCapped.subscribe({ all: true })).toMatchObject({ ok: true });
      expect(await onCapped.subscribe({ taskId: tasks[1]?.id })).toMatchObject({
        ok: false,
        error: { status: 409, type: 'urn:taskyard:problem:conflict' },
      });
      // Subscribing again to a task it has is no new subscription.
      expect(await onCapped.subscribe({ taskId: tasks[0]?.id })).toEqual({ ok: true });
      expect(onCapped.socket.connected).toBe(true);
      onCapped.close();
    } finally {
      client.close();
      await capped.close();
    }
  });
});
